using Ferry.Core.Resources;

namespace Ferry.AppService.Tests.Infrastructure;

/// <summary>The apps the agent under test serves, and the role that grants one IAM role on them.</summary>
internal static class TestApps
{
    public const string DynamoArn = "arn:aws:iam::123456789000:role/DynamoReader";
    public const string OtherArn = "arn:aws:iam::123456789000:role/SomethingElse";
    public const string DynamoReaderRoleName = "dynamo-reader";

    /// <summary>An AWS console/API app, as teleport.yaml's app_service.apps declares it.</summary>
    public static App Dynamo { get; } = new()
    {
        Metadata = new ResourceMetadata { Name = "dynamo" },
        Spec = new AppSpec { Uri = "https://console.aws.amazon.com/dynamodbv2/home", PublicAddr = "dynamo.proxy.test", Cloud = "AWS" },
    };

    /// <summary>A plain web app: Ferry serves only AWS apps, so requests for it are refused.</summary>
    public static App Wiki { get; } = new()
    {
        Metadata = new ResourceMetadata { Name = "wiki" },
        Spec = new AppSpec { Uri = "http://wiki.internal:8080", PublicAddr = "wiki.proxy.test" },
    };

    public static IReadOnlyList<App> All { get; } = [Dynamo, Wiki];

    /// <summary>Any app, and exactly <paramref name="arns"/> as IAM roles.</summary>
    public static Role DynamoReaderRole(IReadOnlyList<string> arns) => new()
    {
        Metadata = new ResourceMetadata { Name = DynamoReaderRoleName },
        Spec = new RoleSpec
        {
            Allow = new RoleConditions
            {
                AppLabels = new Dictionary<string, IReadOnlyList<string>> { ["*"] = ["*"] },
                AwsRoleArns = arns,
            },
        },
    };
}
