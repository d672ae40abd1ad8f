using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// The guide's Step 5 "Using AWS CLI", against moto with signatures and IAM policies enforced: tsh apps login,
/// then tsh aws with the real aws CLIs, through the proxy, the reverse tunnel and the agent.
/// </summary>
public sealed class TshAwsTests : IClassFixture<AwsClusterFixture>
{
    private readonly AwsCluster _aws;

    public TshAwsTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task ListTables_PutItem_GetItem_RoundTripThroughFerry()
    {
        await _aws.AddLoggedInUserAsync("alice", "access,aws-dynamodb-access");

        var tables = (await _aws.TshAwsAsync("alice", "dynamodb", "list-tables")).EnsureSuccess("tsh aws dynamodb list-tables");
        Assert.Contains(AwsSandbox.Table, tables.Stdout);

        (await _aws.TshAwsAsync("alice", "dynamodb", "put-item", "--table-name", AwsSandbox.Table, "--item", """{"pk":{"S":"alice-1"},"v":{"N":"42"}}""")).EnsureSuccess("put-item");
        var item = (await _aws.TshAwsAsync("alice", "dynamodb", "get-item", "--table-name", AwsSandbox.Table, "--key", """{"pk":{"S":"alice-1"}}""")).EnsureSuccess("get-item");
        using var json = JsonDocument.Parse(item.Stdout);
        Assert.Equal("42", json.RootElement.GetProperty("Item").GetProperty("v").GetProperty("N").GetString());
    }

    [Fact]
    public async Task GetCallerIdentity_IsTheGuidesRoleAssumedWithTheFerryUserName()
    {
        await _aws.AddLoggedInUserAsync("bruno", "access,aws-dynamodb-access");

        var identity = (await _aws.TshAwsAsync("bruno", "sts", "get-caller-identity")).EnsureSuccess("sts get-caller-identity");

        using var json = JsonDocument.Parse(identity.Stdout);
        Assert.Equal("arn:aws:sts::123456789000:assumed-role/ExampleTeleportDynamoDBRole/bruno", json.RootElement.GetProperty("Arn").GetString());
    }

    [Fact]
    public async Task ActionTheRoleLacks_GetsAwsOwnAccessDenied_AndTheExitCodePassesThrough()
    {
        await _aws.AddLoggedInUserAsync("carla", "access,aws-dynamodb-access");

        var result = await _aws.TshAwsAsync("carla", "iam", "list-users");

        Assert.Equal(255, result.ExitCode); // the aws CLI's own code for a service error
        Assert.Contains("AccessDenied", result.Stderr);
        Assert.Contains("assumed-role/ExampleTeleportDynamoDBRole/carla is not authorized to perform: iam:ListUsers", result.Stderr);
    }

    [Fact]
    public async Task DebianAwsCliV2_WorksThroughExec()
    {
        Assert.True(File.Exists("/usr/bin/aws"), "Debian's aws CLI v2 is required at /usr/bin/aws (apt-get install awscli; scripts/test.sh installs it)");
        await _aws.AddLoggedInUserAsync("dario", "access,aws-dynamodb-access");

        var result = (await _aws.TshAwsAsync("dario", "--exec", "/usr/bin/aws", "dynamodb", "list-tables")).EnsureSuccess("tsh aws --exec /usr/bin/aws");

        Assert.Contains(AwsSandbox.Table, result.Stdout);
    }

    [Fact]
    public async Task EndpointUrlFlag_WorksWithoutAnHttpsProxy()
    {
        await _aws.AddLoggedInUserAsync("elena", "access,aws-dynamodb-access");

        var result = (await _aws.TshAwsAsync("elena", "-e", "dynamodb", "list-tables")).EnsureSuccess("tsh aws -e");

        Assert.Contains(AwsSandbox.Table, result.Stdout);
    }

    [Fact]
    public async Task EveryRequest_IsAuditedWithItsAwsFields()
    {
        await _aws.AddLoggedInUserAsync("fabio", "access,aws-dynamodb-access,auditor");
        (await _aws.TshAwsAsync("fabio", "dynamodb", "describe-table", "--table-name", AwsSandbox.Table)).EnsureSuccess("describe-table");
        (await _aws.TshAwsAsync("fabio", "sts", "get-caller-identity")).EnsureSuccess("sts");

        JsonElement[] events = [];
        for (var attempt = 0; attempt < 20 && events.Length < 2; attempt++)
        {
            await Task.Delay(250); // the agent sends audit events in batches
            var audit = (await _aws.Cluster.TctlAsAsync("fabio", ["audit", "ls", "--since=10m", "--user=fabio", "--format=json",
                "--type=app.session.dynamodb.request", "--type=app.session.request"])).EnsureSuccess("audit ls");
            events = JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray().ToArray();
        }

        var dynamo = Assert.Single(events, e => e.GetProperty("event").GetString() == "app.session.dynamodb.request");
        Assert.Equal("T2013I", dynamo.GetProperty("code").GetString());
        Assert.Equal("DynamoDB_20120810.DescribeTable", dynamo.GetProperty("target").GetString());
        Assert.Equal("DescribeTable", dynamo.GetProperty("aws_operation").GetString());
        Assert.Equal([AwsSandbox.Table], dynamo.GetProperty("table_names").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("dynamodb", dynamo.GetProperty("aws_service").GetString());
        Assert.Equal("us-east-1", dynamo.GetProperty("aws_region").GetString());
        Assert.Equal($"127.0.0.1:{_aws.Sandbox.Port}", dynamo.GetProperty("aws_host").GetString());
        Assert.Equal(AwsCluster.AppName, dynamo.GetProperty("app_name").GetString());
        Assert.Equal(AwsSandbox.RoleArn, dynamo.GetProperty("aws_role_arn").GetString());
        Assert.Equal("POST", dynamo.GetProperty("method").GetString());
        Assert.Equal("/", dynamo.GetProperty("path").GetString());
        Assert.Equal(200, dynamo.GetProperty("status_code").GetInt32());
        Assert.True(dynamo.GetProperty("latency_ms").GetDouble() > 0);

        var sts = Assert.Single(events, e => e.GetProperty("event").GetString() == "app.session.request");
        Assert.Equal("sts", sts.GetProperty("aws_service").GetString());
        Assert.Equal("GetCallerIdentity", sts.GetProperty("aws_operation").GetString()); // the query protocol's Action, from the form body

        var start = (await _aws.Cluster.TctlAsAsync("fabio", ["audit", "ls", "--since=10m", "--user=fabio", "--format=json", "--type=app.session.start"])).EnsureSuccess("audit ls");
        var session = Assert.Single(JsonDocument.Parse(start.Stdout).RootElement.EnumerateArray());
        Assert.Equal(AwsSandbox.RoleArn, session.GetProperty("aws_role_arn").GetString());
    }

    [Fact]
    public async Task AppsLs_MarksTheLoggedInApp_AndAppsLogoutRemovesCertificateAndLocalCa()
    {
        await _aws.AddLoggedInUserAsync("gaia", "access,aws-dynamodb-access");
        (await _aws.TshAwsAsync("gaia", "dynamodb", "list-tables")).EnsureSuccess("list-tables");

        var ls = (await _aws.Cluster.TshAsync("gaia", ["apps", "ls", "-v"])).EnsureSuccess("apps ls");
        Assert.Contains("> " + AwsCluster.AppName, ls.Stdout);
        Assert.Contains(AwsCluster.AppUri, ls.Stdout);

        var appDir = Path.Combine(_aws.Cluster.HomeOf("gaia"), ".tsh", "keys", "127.0.0.1", "gaia-app", "ferry.test");
        var localCa = Path.Combine(appDir, AwsCluster.AppName + "-localca.pem");
        Assert.True(File.Exists(localCa));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(localCa));

        var logout = (await _aws.Cluster.TshAsync("gaia", ["apps", "logout", AwsCluster.AppName])).EnsureSuccess("apps logout");
        Assert.Contains("Logged out of app \"aws-dynamodb\"", logout.Stdout);
        Assert.False(File.Exists(localCa));
        Assert.False(File.Exists(Path.Combine(appDir, AwsCluster.AppName + "-x509.pem")));
        var after = await _aws.TshAwsAsync("gaia", "dynamodb", "list-tables");
        Assert.Equal(3, after.ExitCode);
        Assert.Contains("tsh apps login", after.Stderr);
    }

    [Fact]
    public async Task UserWithoutTheArn_IsRefusedAtAppsLogin()
    {
        await _aws.AddLoggedInUserAsync("hugo", "access", appLogin: false);

        var named = await _aws.Cluster.TshAsync("hugo", ["apps", "login", "--aws-role", "ExampleTeleportDynamoDBRole", AwsCluster.AppName]);
        Assert.NotEqual(0, named.ExitCode);
        Assert.Contains("failed to find the \"ExampleTeleportDynamoDBRole\" role name", named.Stderr);

        var unnamed = await _aws.Cluster.TshAsync("hugo", ["apps", "login", AwsCluster.AppName]);
        Assert.Equal(3, unnamed.ExitCode);
        Assert.Contains("you have no IAM roles for app \"aws-dynamodb\"", unnamed.Stderr);
    }

    [Fact]
    public async Task SeveralRoles_NeedTheFlag_AndAcceptANameOrAnArn()
    {
        await _aws.Cluster.AddUserAsync("iris", "access,aws-dynamodb-access", AwsCluster.Password);
        (await _aws.Cluster.TctlLocalAsync(["users", "update", "iris", "--set-aws-role-arns=arn:aws:iam::123456789000:role/Reader,arn:aws:iam::123456789000:role/team/Reader"])).EnsureSuccess("traits");
        (await _aws.Cluster.LoginAsync("iris", AwsCluster.Password)).EnsureSuccess("login");

        var none = await _aws.Cluster.TshAsync("iris", ["apps", "login", AwsCluster.AppName]);
        Assert.NotEqual(0, none.ExitCode);
        Assert.Contains("--aws-role flag is required", none.Stderr);
        Assert.Contains("Available AWS roles:", none.Stdout);
        Assert.Contains("ExampleTeleportDynamoDBRole", none.Stdout);

        var ambiguous = await _aws.Cluster.TshAsync("iris", ["apps", "login", "--aws-role", "Reader", AwsCluster.AppName]);
        Assert.Contains("provided role name \"Reader\" is ambiguous, please specify full role ARN", ambiguous.Stderr);

        var unknown = await _aws.Cluster.TshAsync("iris", ["apps", "login", "--aws-role", "Writer", AwsCluster.AppName]);
        Assert.Contains("failed to find the \"Writer\" role name", unknown.Stderr);

        var byPath = (await _aws.Cluster.TshAsync("iris", ["apps", "login", "--aws-role", "team/Reader", AwsCluster.AppName])).EnsureSuccess("login by path");
        Assert.Contains("arn:aws:iam::123456789000:role/team/Reader", byPath.Stdout);

        var byArn = (await _aws.Cluster.TshAsync("iris", ["apps", "login", "--aws-role", AwsSandbox.RoleArn, AwsCluster.AppName])).EnsureSuccess("login by ARN");
        Assert.Contains(AwsSandbox.RoleArn, byArn.Stdout);
    }
}
