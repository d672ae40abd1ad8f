using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>The guide's Step 3 beyond the config file: the one-line agent, the AWS credential chain, several agents.</summary>
public sealed partial class AgentSetupTests : IClassFixture<AwsClusterFixture>
{
    private readonly AwsCluster _aws;

    public AgentSetupTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task TokensAdd_SampleCommand_StartsAnAgentThatServesItsApp()
    {
        var added = (await _aws.Cluster.TctlLocalAsync(["tokens", "add", "--type=app", "--app-name=aws-ec2", "--app-uri=https://console.aws.amazon.com/ec2/v2/home"])).EnsureSuccess("tokens add");
        Assert.Contains("This token will expire in 30 minutes.", added.Stdout);
        var sample = SampleCommand().Match(added.Stdout);
        Assert.True(sample.Success, added.Stdout);
        var args = sample.Value.Replace("\\\n", " ", StringComparison.Ordinal).Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).ToList(); // after "teleport"
        args.Add("--data-dir=" + Path.Combine(_aws.Cluster.Directory, "ec2-agent"));

        await using var agent = TeleportProcess.StartRaw(args, _aws.AgentEnvironment());
        await agent.WaitUntilAsync(async () => (await _aws.Cluster.TctlLocalAsync(["apps", "ls"])).Stdout.Contains("aws-ec2", StringComparison.Ordinal), "aws-ec2 to be announced");

        await _aws.AddLoggedInUserAsync("olga", "access,aws-dynamodb-access", appLogin: false);
        (await _aws.Cluster.TshAsync("olga", ["apps", "login", "aws-ec2"])).EnsureSuccess("apps login with the only role picked automatically");
        var identity = (await _aws.TshAwsAsync("olga", "--app", "aws-ec2", "sts", "get-caller-identity")).EnsureSuccess("through the second agent");
        Assert.Contains("assumed-role/ExampleTeleportDynamoDBRole/olga", identity.Stdout);
    }

    [Fact]
    public async Task AgentCredentials_FromASharedCredentialsFileWithAwsProfile()
    {
        var home = Path.Combine(_aws.Cluster.Directory, "profiled-home");
        Directory.CreateDirectory(Path.Combine(home, ".aws"));
        await File.WriteAllTextAsync(Path.Combine(home, ".aws", "credentials"),
            $"[ferry-sandbox]\naws_access_key_id = {_aws.Sandbox.AgentEnvironment["AWS_ACCESS_KEY_ID"]}\naws_secret_access_key = {_aws.Sandbox.AgentEnvironment["AWS_SECRET_ACCESS_KEY"]}\n");
        var environment = _aws.AgentEnvironment();
        environment["AWS_ACCESS_KEY_ID"] = null;
        environment["AWS_SECRET_ACCESS_KEY"] = null;
        environment["HOME"] = home;
        environment["AWS_PROFILE"] = "ferry-sandbox";
        var token = (await _aws.Cluster.TctlLocalAsync(["tokens", "add", "--type=app", "--app-name=aws-profiled", "--format=text"])).EnsureSuccess("token").Stdout.Trim();

        await using var agent = TeleportProcess.StartRaw(
            ["app", "start", "--token=" + token, "--auth-server=" + _aws.Cluster.ProxyAddress, "--insecure", "--name=aws-profiled", "--uri=" + AwsCluster.AppUri,
             "--data-dir=" + Path.Combine(_aws.Cluster.Directory, "profiled-agent")],
            environment);
        await agent.WaitUntilAsync(async () => (await _aws.Cluster.TctlLocalAsync(["apps", "ls"])).Stdout.Contains("aws-profiled", StringComparison.Ordinal), "aws-profiled to be announced");

        await _aws.AddLoggedInUserAsync("pablo", "access,aws-dynamodb-access", appLogin: false);
        (await _aws.Cluster.TshAsync("pablo", ["apps", "login", "aws-profiled"])).EnsureSuccess("apps login");
        var identity = (await _aws.TshAwsAsync("pablo", "sts", "get-caller-identity")).EnsureSuccess("sts through the profiled agent");
        Assert.Contains("assumed-role/ExampleTeleportDynamoDBRole/pablo", identity.Stdout);
    }

    [Fact]
    public async Task TwoAgentsServeOneApp_WhenOneDies_RequestsGoToTheOther()
    {
        await _aws.AddLoggedInUserAsync("quinn", "access,aws-dynamodb-access");
        var token = (await _aws.Cluster.TctlLocalAsync(["tokens", "add", "--type=app", "--app-name=" + AwsCluster.AppName, "--format=text"])).EnsureSuccess("token").Stdout.Trim();
        var agent = TeleportProcess.StartRaw(
            ["app", "start", "--token=" + token, "--auth-server=" + _aws.Cluster.ProxyAddress, "--insecure", "--name=" + AwsCluster.AppName, "--uri=" + AwsCluster.AppUri,
             "--data-dir=" + Path.Combine(_aws.Cluster.Directory, "second-agent"), "--nodename=agent-2"],
            _aws.AgentEnvironment());
        await using (agent)
        {
            await agent.WaitUntilAsync(async () => (await _aws.Cluster.TctlLocalAsync(["apps", "ls"])).Stdout.Contains("agent-2", StringComparison.Ordinal), "agent-2 to announce the app");
            await agent.WaitUntilAsync(() => Task.FromResult(agent.Output.Contains("is up", StringComparison.Ordinal)), "agent-2's tunnel");
            for (var i = 0; i < 3; i++)
            {
                (await _aws.TshAwsAsync("quinn", "dynamodb", "list-tables")).EnsureSuccess("with two agents");
            }

            agent.Kill();
        }

        for (var i = 0; i < 3; i++)
        {
            (await _aws.TshAwsAsync("quinn", "dynamodb", "list-tables")).EnsureSuccess("after agent-2 died");
        }

        var ls = (await _aws.Cluster.TctlLocalAsync(["apps", "ls", "--format=json"])).EnsureSuccess("apps ls");
        Assert.Contains(JsonDocument.Parse(ls.Stdout).RootElement.EnumerateArray(), s => s.GetProperty("spec").GetProperty("hostname").GetString() == "agent-1");
    }

    [Fact]
    public async Task TokensAdd_MachineReadableFormats()
    {
        var text = (await _aws.Cluster.TctlLocalAsync(["tokens", "add", "--type=app", "--app-name=grafana", "--format=text"])).EnsureSuccess("text");
        Assert.Matches("^[0-9a-f]{32}\n$", text.Stdout);

        var json = (await _aws.Cluster.TctlLocalAsync(["tokens", "add", "--type=app", "--app-name=grafana", "--app-name=aws-*", "--ttl=1h", "--format=json"])).EnsureSuccess("json");
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(["App"], document.RootElement.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["grafana", "aws-*"], document.RootElement.GetProperty("app_names").EnumerateArray().Select(r => r.GetString()));
        var expires = document.RootElement.GetProperty("expires").GetDateTimeOffset();
        Assert.InRange(expires - DateTimeOffset.UtcNow, TimeSpan.FromMinutes(59), TimeSpan.FromMinutes(60));

        var ls = (await _aws.Cluster.TctlLocalAsync(["tokens", "ls"])).EnsureSuccess("tokens ls");
        Assert.Contains(document.RootElement.GetProperty("token").GetString()!, ls.Stdout);
    }

    [GeneratedRegex(@"teleport app start \\\n(\s+--\S+ \\\n)*\s+--\S+")]
    private static partial Regex SampleCommand();
}
