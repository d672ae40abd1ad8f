using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>What a user sees when the agent dies, comes back, or stops trusting a role; and what the agent keeps across restarts.</summary>
public sealed class AgentFailureTests : IAsyncLifetime
{
    private AwsCluster _aws = null!;

    public async Task InitializeAsync() => _aws = await AwsCluster.StartAsync();

    public async Task DisposeAsync() => await _aws.DisposeAsync();

    [Fact]
    public async Task KilledAgent_GivesAClearError_AndARestartWithoutTheTokenRestoresAccessWithoutANewLogin()
    {
        await _aws.AddLoggedInUserAsync("alice", "access,aws-dynamodb-access");
        (await _aws.TshAwsAsync("alice", "dynamodb", "list-tables")).EnsureSuccess("before");

        _aws.Agent!.Kill();
        var down = await _aws.TshAwsAsync("alice", "dynamodb", "list-tables");
        Assert.NotEqual(0, down.ExitCode);
        Assert.Contains("no app service is connected for \"aws-dynamodb\"", down.Stderr);
        var unserved = await AuditOutcomes.WaitForAsync(_aws.Cluster, "alice", e => !e.Success && e.Error.Contains("no app service is connected", StringComparison.Ordinal));
        Assert.All(unserved, e => Assert.Equal(502, e.Status)); // written by the proxy: no agent ever saw the request

        // The agent kept its identity in data_dir: the (single-use in spirit) token is not needed again.
        File.Delete(_aws.TokenPath);
        await _aws.StartAgentAsync();
        Assert.Contains("Loaded this host's identity", _aws.Agent.Output);
        var up = (await _aws.TshAwsAsync("alice", "dynamodb", "list-tables")).EnsureSuccess("after the agent restarted");
        Assert.Contains(AwsSandbox.Table, up.Stdout);
    }

    [Fact]
    public async Task ArnRemovedFromTheRole_IsRefusedOnTheNextRequest_AndNothingReachesAws()
    {
        await _aws.AddLoggedInUserAsync("bob", "access,aws-dynamodb-access");
        (await _aws.TshAwsAsync("bob", "dynamodb", "list-tables")).EnsureSuccess("before");

        // The app session and certificate stay valid; the role no longer allows the ARN. Proxy and agent re-check every request.
        var path = Path.Combine(_aws.Cluster.Directory, "narrowed.yaml");
        await File.WriteAllTextAsync(path, AwsCluster.GuideRole.Replace("    - arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole", "    - arn:aws:iam::123456789000:role/SomethingElse", StringComparison.Ordinal) + "\n");
        (await _aws.Cluster.TctlLocalAsync(["create", "-f", path])).EnsureSuccess("narrow the role");

        // The role caches follow auth's change feed: wait for the first refusal, then check one more reaches nothing.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await _aws.TshAwsAsync("bob", "dynamodb", "list-tables")).ExitCode == 0 && DateTime.UtcNow < deadline)
        {
        }

        var before = _aws.Sandbox.RequestCount();
        var denied = await _aws.TshAwsAsync("bob", "dynamodb", "list-tables");

        Assert.NotEqual(0, denied.ExitCode);
        Assert.Contains("AccessDenied", denied.Stderr);
        Assert.Equal(before, _aws.Sandbox.RequestCount());
        var refusals = await AuditOutcomes.WaitForAsync(_aws.Cluster, "bob", e => !e.Success && e.Error.Contains("with this role is denied", StringComparison.Ordinal));
        Assert.All(refusals, e => Assert.Equal(403, e.Status));
        await File.WriteAllTextAsync(path, AwsCluster.GuideRole + "\n");
        (await _aws.Cluster.TctlLocalAsync(["create", "-f", path])).EnsureSuccess("restore the role");
    }

    [Fact]
    public async Task UnreachableAws_IsAuditedAsAFailureWithTheReason()
    {
        await _aws.AddLoggedInUserAsync("dan", "access,aws-dynamodb-access");
        await _aws.Sandbox.DisposeAsync(); // AWS (moto) goes away: the agent cannot reach STS for dan's first request

        var result = await _aws.TshAwsAsync("dan", "dynamodb", "list-tables");

        Assert.NotEqual(0, result.ExitCode);
        var failures = await AuditOutcomes.WaitForAsync(_aws.Cluster, "dan", e => !e.Success);
        Assert.All(failures, e => Assert.Contains("cannot reach", e.Error, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ExpiredAppCertificate_IsRefused()
    {
        await _aws.Cluster.AddUserAsync("carl", "access,aws-dynamodb-access", AwsCluster.Password);
        (await _aws.Cluster.TshAsync("carl", ["login", "--proxy=" + _aws.Cluster.ProxyAddress, "--user=carl", "--insecure", "--ttl=45s"], AwsCluster.Password + "\n")).EnsureSuccess("short login");
        (await _aws.Cluster.TshAsync("carl", ["apps", "login", "--aws-role", "ExampleTeleportDynamoDBRole", AwsCluster.AppName])).EnsureSuccess("apps login");
        await using var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment("carl"), _aws.Cluster.HomeOf("carl"));
        var environment = _aws.Cluster.Environment("client");
        foreach (var (name, value) in proxy.Settings)
        {
            environment[name] = value;
        }

        (await Run.CommandAsync("aws", ["dynamodb", "list-tables"], environment)).EnsureSuccess("while valid");
        var appCertificate = Path.Combine(_aws.Cluster.HomeOf("carl"), ".tsh", "keys", "127.0.0.1", "carl-app", "ferry.test", AwsCluster.AppName + "-x509.pem");
        using (var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(appCertificate)))
        {
            var wait = certificate.NotAfter.ToUniversalTime() - DateTime.UtcNow + TimeSpan.FromSeconds(1);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        var expired = await Run.CommandAsync("aws", ["dynamodb", "list-tables"], environment);
        Assert.NotEqual(0, expired.ExitCode);
        Assert.Contains("expired", expired.Stderr);

        var tshAws = await _aws.TshAwsAsync("carl", "dynamodb", "list-tables");
        Assert.Equal(3, tshAws.ExitCode);
        Assert.Contains("has expired", tshAws.Stderr);
    }

    [Fact]
    public async Task UnknownToken_IsRefusedWithTheNextStep()
    {
        var config = Path.Combine(_aws.Cluster.Directory, "bad-agent.yaml");
        var tokenFile = Path.Combine(_aws.Cluster.Directory, "bad-token");
        await File.WriteAllTextAsync(tokenFile, "0123456789abcdef0123456789abcdef\n");
        await File.WriteAllTextAsync(config, File.ReadAllText(_aws.AgentConfigPath)
            .Replace(_aws.TokenPath, tokenFile, StringComparison.Ordinal)
            .Replace("agent-data", "bad-agent-data", StringComparison.Ordinal));

        var result = await Run.CommandAsync(Binaries.Teleport, ["start", "-c", config], _aws.AgentEnvironment(), timeout: TimeSpan.FromSeconds(60));

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("the join token is unknown or has expired", result.Stderr);
        Assert.Contains("tctl tokens add --type=app", result.Stderr);
    }
}
