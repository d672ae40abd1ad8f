using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Rbac;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Core.Tests.Resources;

public sealed class ResourceJsonTests
{
    private static readonly ResourceMetadata Meta = new()
    {
        Name = "aws-dynamodb",
        Description = "DynamoDB",
        Labels = new Dictionary<string, string> { ["env"] = "dev", ["teleport.dev/origin"] = "config-file", ["n"] = "123" },
        Expires = new DateTimeOffset(2030, 5, 6, 7, 8, 9, 123, TimeSpan.Zero),
        Revision = "42",
    };

    public static TheoryData<string> Samples() => new(SampleResources().Keys);

    private static Dictionary<string, IResource> SampleResources()
    {
        var app = new App
        {
            Metadata = Meta,
            Spec = new AppSpec
            {
                Uri = "https://console.aws.amazon.com/dynamodbv2/home",
                PublicAddr = "aws-dynamodb.teleport.example.com",
                Cloud = "AWS",
                Aws = new AppAws { ExternalId = "ext", SourceIdentity = true },
                InsecureSkipVerify = true,
            },
        };
        return new()
        {
            ["access"] = BuiltinRoles.Access,
            ["editor"] = BuiltinRoles.Editor,
            ["teleport-role"] = ResourceCodec.ParseYaml("""
                kind: role
                version: v6
                metadata: {name: x}
                spec:
                  allow:
                    logins: [root, 'true', 1]
                    app_labels: {env: ['true', '1', 'null', '']}
                  deny:
                    app_labels: {'*': '*'}
                    aws_role_arns: ['arn:aws:iam::123456789012:role/Y']
                  options: {max_session_ttl: 1h30m, forward_agent: yes, idp: {saml: {enabled: false}}}
                """).Single(),
            ["user"] = new User
            {
                Metadata = new ResourceMetadata { Name = "alice" },
                Spec = new UserSpec
                {
                    Roles = ["access"],
                    Traits = new Dictionary<string, IReadOnlyList<string>> { ["aws_role_arns"] = ["arn:aws:iam::123456789012:role/X"], ["logins"] = [] },
                    CreatedBy = new UserCreatedBy { Time = DateTimeOffset.UnixEpoch.AddDays(20000), User = "admin" },
                },
            },
            ["token"] = new ProvisionToken
            {
                Metadata = new ResourceMetadata { Name = "0123456789abcdef", Expires = DateTimeOffset.UnixEpoch.AddDays(20000) },
                Spec = new ProvisionTokenSpec { Roles = ["App"], AppNames = ["aws-dynamodb", "aws-*"] },
            },
            ["lock"] = new AccessLock
            {
                Metadata = new ResourceMetadata { Name = "incident-42" },
                Spec = new LockSpec
                {
                    Target = new LockTarget { Role = "access" },
                    Message = "maintenance",
                    Expires = DateTimeOffset.UnixEpoch.AddDays(20000),
                    CreatedAt = DateTimeOffset.UnixEpoch.AddDays(19999),
                    CreatedBy = "admin",
                },
            },
            ["app"] = app,
            ["app_server"] = new AppServer
            {
                Metadata = new ResourceMetadata { Name = "aws-dynamodb", Expires = DateTimeOffset.UnixEpoch.AddDays(20000) },
                Spec = new AppServerSpec { Hostname = "agent-1", HostId = "5f0c", Version = "0.1.0", App = app },
            },
        };
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void Serialize_Deserialize_RoundTripsExactly(string name)
    {
        var resource = SampleResources()[name];
        var json = ResourceJson.Serialize(resource);
        var back = ResourceJson.Deserialize(ResourceJson.SerializeToUtf8Bytes(resource));
        Assert.Equal(resource.GetType(), back.GetType());
        Assert.Equal(json, ResourceJson.Serialize(back));
        // And through YAML too.
        Assert.Equal(json, ResourceJson.Serialize(ResourceCodec.ParseYamlAnyKind(ResourceCodec.ToYaml(resource)).Single()));
    }

    [Fact]
    public void Serialize_UsesSnakeCase()
    {
        var json = ResourceJson.Serialize(SampleResources()["app_server"]);
        using var doc = JsonDocument.Parse(json);
        var spec = doc.RootElement.GetProperty("spec");
        Assert.Equal("5f0c", spec.GetProperty("host_id").GetString());
        Assert.Equal("ext", spec.GetProperty("app").GetProperty("spec").GetProperty("aws").GetProperty("external_id").GetString());
        Assert.Equal("2030-05-06T07:08:09.123Z", spec.GetProperty("app").GetProperty("metadata").GetProperty("expires").GetString());
    }

    [Fact]
    public void Deserialize_WrongKindForType_Throws()
    {
        var ex = Assert.Throws<FerryException>(() => ResourceJson.Deserialize<User>(ResourceJson.Serialize(BuiltinRoles.Access)));
        Assert.Contains("expected a User resource, got kind \"role\"", ex.Message);
    }

    [Theory]
    [InlineData("{not json", "invalid resource JSON")]
    [InlineData("{\"kind\":\"role\",\"version\":\"v7\",\"metadata\":{\"name\":\"r\"},\"spec\":{\"allow\":{\"aws_role_arns\":true}}}", "spec.allow.aws_role_arns")]
    [InlineData("{\"kind\":\"role\",\"kind\":\"role\"}", "duplicate key")]
    public void Deserialize_Bad_ThrowsBadParameter(string json, string expected)
    {
        var ex = Assert.Throws<FerryException>(() => ResourceJson.Deserialize(json));
        Assert.Equal(ErrorKind.BadParameter, ex.Kind);
        Assert.Contains(expected, ex.Message);
    }

    [Fact]
    public void Deserialize_StringsThatLookLikeBools_StayStrings()
    {
        var role = ResourceJson.Deserialize<Role>(ResourceJson.Serialize(SampleResources()["teleport-role"]));
        Assert.Equal(["true", "1", "null", ""], role.Spec.Allow.AppLabels["env"]);
        Assert.Equal("[\"root\",\"true\",1]", role.Spec.Allow.Extra["logins"].GetRawText());
    }
}
