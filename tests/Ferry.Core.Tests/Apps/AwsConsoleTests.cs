using Ferry.Core.Apps;
using Ferry.Core.Resources;

namespace Ferry.Core.Tests.Apps;

public sealed class AwsConsoleTests
{
    [Theory]
    [InlineData("https://console.aws.amazon.com/dynamodbv2/home", true, "aws")]
    [InlineData("https://console.aws.amazon.com", true, "aws")]
    [InlineData("https://us-west-2.console.aws.amazon.com/ec2/v2/home", true, "aws")]
    [InlineData("https://console.amazonaws-us-gov.com/ec2", true, "aws-us-gov")]
    [InlineData("https://us-gov-west-1.console.amazonaws-us-gov.com/", true, "aws-us-gov")]
    [InlineData("https://console.amazonaws.cn/", true, "aws-cn")]
    [InlineData("https://quicksight.aws.amazon.com/", true, "aws")]
    [InlineData("https://console.aws.amazon.com:443/", true, "aws")]
    [InlineData("http://console.aws.amazon.com/", false, "aws")]
    [InlineData("https://console.aws.amazon.com:8443/", false, "aws")]
    [InlineData("https://evil.com/console.aws.amazon.com", false, "aws")]
    [InlineData("https://console.aws.amazon.com.evil.com/", false, "aws")]
    [InlineData("https://notaregion.console.aws.amazon.com/", false, "aws")]
    [InlineData("https://localhost:8080", false, "aws")]
    [InlineData("not a url", false, "aws")]
    public void IsAwsConsoleUri_Table(string uri, bool expected, string partition)
    {
        Assert.Equal(expected, AwsConsole.IsAwsConsoleUri(uri));
        Assert.Equal(partition, AwsConsole.PartitionFromUri(uri));
    }

    [Theory]
    [InlineData("https://console.aws.amazon.com/", "https://signin.aws.amazon.com/federation")]
    [InlineData("https://console.amazonaws-us-gov.com/", "https://signin.amazonaws-us-gov.com/federation")]
    [InlineData("https://console.amazonaws.cn/", "https://signin.amazonaws.cn/federation")]
    [InlineData("https://example.com/", "https://signin.aws.amazon.com/federation")]
    public void FederationUrlForUri_PerPartition(string uri, string expected)
    {
        Assert.Equal(expected, AwsConsole.FederationUrlForUri(uri));
    }

    [Fact]
    public void IsAwsApp_CloudAws_True()
    {
        var app = new App { Metadata = new ResourceMetadata { Name = "x" }, Spec = new AppSpec { Uri = "https://localhost", Cloud = "AWS" } };
        Assert.True(AwsConsole.IsAwsApp(app));
    }

    [Theory]
    [InlineData("aws-dynamodb", true)]
    [InlineData("a", true)]
    [InlineData("AWS", false)]
    [InlineData("1app", false)]
    [InlineData("app-", false)]
    [InlineData("app_1", false)]
    [InlineData("app.example", false)]
    public void ValidateName_Dns1035(string name, bool valid)
    {
        Assert.Equal(valid, AppNaming.IsValidName(name));
    }

    [Theory]
    [InlineData("teleport.example.com:443", "aws-dynamodb.teleport.example.com")]
    [InlineData("teleport.example.com", "aws-dynamodb.teleport.example.com")]
    public void DefaultPublicAddr_DropsPort(string proxy, string expected)
    {
        Assert.Equal(expected, AppNaming.DefaultPublicAddr("aws-dynamodb", proxy));
    }
}
