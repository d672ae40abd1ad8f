using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Trust;

/// <summary>
/// tctl lock, tctl users rm: a user is cut off everywhere within a second, including a tsh proxy aws session that is
/// already running on a keep-alive connection, with the lock's message, audited; removing the lock restores access.
/// </summary>
public sealed class LockTests : IClassFixture<AwsClusterFixture>
{
    private static readonly TimeSpan Propagation = TimeSpan.FromSeconds(1);

    private readonly AwsCluster _aws;

    public LockTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task LockByUser_CutsARunningTshProxyAwsSession_AndRemovingItRestoresAccess(bool endpointMode)
    {
        var user = endpointMode ? "lena-e" : "lena-p";
        await _aws.AddLoggedInUserAsync(user, "access,aws-dynamodb-access");
        await using var session = await StartSessionAsync(user, endpointMode);
        await session.Loop.WaitForAsync(DateTimeOffset.MinValue, c => c.Ok, "a first successful call");

        var locked = await LockAsync($"--user={user}", "--message=Laptop reported stolen; call security");
        var refused = await session.Loop.WaitForAsync(locked.At, c => !c.Ok, "the lock to refuse a call");
        await AssertCutAsync(session.Loop, locked.At, refused, "Laptop reported stolen; call security");

        (await _aws.Cluster.TctlLocalAsync(["rm", "lock/" + locked.Name])).EnsureSuccess("tctl rm lock");
        var lifted = DateTimeOffset.UtcNow;
        await session.Loop.WaitForAsync(lifted, c => c.Ok, "access to come back once the lock is gone", TimeSpan.FromSeconds(5));

        await AssertRefusalsAuditedAsync(user, "Laptop reported stolen");
    }

    [Fact]
    public async Task LockByRole_CutsEveryHolderOfTheRole_ButNotOthers_AndTshLoginSaysWhy()
    {
        (await _aws.Cluster.TctlLocalAsync(["create", "-f", "-"], ContractorRole)).EnsureSuccess("create role contractors");
        await _aws.AddLoggedInUserAsync("rick", "access,aws-dynamodb-access,contractors");
        await _aws.AddLoggedInUserAsync("rosa", "access,aws-dynamodb-access");
        await using var contractor = await StartSessionAsync("rick", endpointMode: false);
        await using var employee = await StartSessionAsync("rosa", endpointMode: false);
        await contractor.Loop.WaitForAsync(DateTimeOffset.MinValue, c => c.Ok, "rick's first call");
        await employee.Loop.WaitForAsync(DateTimeOffset.MinValue, c => c.Ok, "rosa's first call");

        var locked = await LockAsync("--role=contractors", "--message=Contract ended");
        var refused = await contractor.Loop.WaitForAsync(locked.At, c => !c.Ok, "the role lock to refuse rick");
        await AssertCutAsync(contractor.Loop, locked.At, refused, "Contract ended");
        await employee.Loop.WaitForAsync(locked.At + TimeSpan.FromSeconds(1), c => c.Ok, "rosa to keep working");
        Assert.DoesNotContain(employee.Loop.Calls, c => c.Started >= locked.At && !c.Ok);

        var login = await _aws.Cluster.LoginAsync("rick", AwsCluster.Password);
        Assert.NotEqual(0, login.ExitCode);
        Assert.Contains("Contract ended", login.Stderr);
        var apps = await _aws.Cluster.TctlAsAsync("rosa", ["get", "users/rosa"]);
        apps.EnsureSuccess("rosa's own tctl still works");

        (await _aws.Cluster.TctlLocalAsync(["rm", "lock/" + locked.Name])).EnsureSuccess("tctl rm lock");
    }

    [Fact]
    public async Task DeletedUser_LiveSessionIsCutWithinASecond_AndTheirCertificateIsRefusedEverywhere()
    {
        await _aws.AddLoggedInUserAsync("dora", "access,aws-dynamodb-access");
        await using var session = await StartSessionAsync("dora", endpointMode: true);
        await session.Loop.WaitForAsync(DateTimeOffset.MinValue, c => c.Ok, "a first successful call");

        (await _aws.Cluster.TctlLocalAsync(["users", "rm", "dora"])).EnsureSuccess("tctl users rm");
        var deleted = DateTimeOffset.UtcNow;
        var refused = await session.Loop.WaitForAsync(deleted, c => !c.Ok, "the deletion to refuse a call");
        await AssertCutAsync(session.Loop, deleted, refused, "the user was deleted");

        var tctl = await _aws.Cluster.TctlAsAsync("dora", ["get", "users/dora"]);
        Assert.NotEqual(0, tctl.ExitCode);
        Assert.Contains("no longer valid", tctl.Stderr);
        await AssertRefusalsAuditedAsync("dora", "the user was deleted");
    }

    [Fact]
    public async Task Lock_BadInput_IsRefusedClearly_AndChangesNothing()
    {
        var neither = await _aws.Cluster.TctlLocalAsync(["lock", "--message=x"]);
        Assert.Equal(1, neither.ExitCode);
        Assert.Contains("tctl lock --user=NAME or tctl lock --role=NAME", neither.Stderr);

        var both = await _aws.Cluster.TctlLocalAsync(["lock", "--user=a", "--role=b"]);
        Assert.Contains("name exactly one target", both.Stderr);

        var past = await _aws.Cluster.TctlLocalAsync(["lock", "--user=a", "--expires=2001-01-01T00:00:00Z"]);
        Assert.Contains("in the past", past.Stderr);

        var ttlAndExpiry = await _aws.Cluster.TctlLocalAsync(["lock", "--user=a", "--ttl=1h", "--expires=2099-01-01T00:00:00Z"]);
        Assert.Contains("--ttl or --expires, not both", ttlAndExpiry.Stderr);

        var file = Path.Combine(_aws.Cluster.Directory, "bad-lock.yaml");
        await File.WriteAllTextAsync(file, "kind: lock\nversion: v2\nmetadata:\n  name: bad\nspec:\n  target:\n    login: root\n");
        var created = await _aws.Cluster.TctlLocalAsync(["create", "-f", file]);
        Assert.Contains("lock target \"login\" is not supported by Ferry", created.Stderr);

        var locks = (await _aws.Cluster.TctlLocalAsync(["get", "locks", "--format=json"])).EnsureSuccess("get locks");
        using var document = JsonDocument.Parse(locks.Stdout);
        Assert.DoesNotContain(document.RootElement.EnumerateArray(), l => l.GetProperty("metadata").GetProperty("name").GetString() == "bad");
    }

    [Fact]
    public async Task Locks_RoundTripThroughTctlGetAndCreate()
    {
        var locked = await LockAsync("--user=nobody-yet", "--message=pre-emptive", "--ttl=1h");
        var yaml = (await _aws.Cluster.TctlLocalAsync(["get", "lock/" + locked.Name])).EnsureSuccess("get lock").Stdout;
        Assert.Contains("kind: lock", yaml);
        Assert.Contains("user: nobody-yet", yaml);
        Assert.Contains("message: pre-emptive", yaml);

        (await _aws.Cluster.TctlLocalAsync(["rm", "lock/" + locked.Name])).EnsureSuccess("rm");
        (await _aws.Cluster.TctlLocalAsync(["create", "-f", "-"], yaml)).EnsureSuccess("create from tctl get's output");
        var again = (await _aws.Cluster.TctlLocalAsync(["get", "locks"])).EnsureSuccess("get locks").Stdout;
        Assert.Contains(locked.Name, again);
        (await _aws.Cluster.TctlLocalAsync(["rm", "lock/" + locked.Name])).EnsureSuccess("rm again");
    }

    private const string ContractorRole = """
        kind: role
        version: v7
        metadata:
          name: contractors
        spec:
          allow: {}
        """;

    private async Task<(string Name, DateTimeOffset At)> LockAsync(params string[] args)
    {
        var result = (await _aws.Cluster.TctlLocalAsync(["lock", .. args])).EnsureSuccess("tctl lock");
        var at = DateTimeOffset.UtcNow;
        var name = System.Text.RegularExpressions.Regex.Match(result.Stdout, "name \"(?<name>[^\"]+)\"").Groups["name"].Value;
        Assert.False(string.IsNullOrEmpty(name), result.Stdout);
        return (name, at);
    }

    /// <summary>The first refusal came within the bound, and every call started after it was refused, with the message.</summary>
    private static async Task AssertCutAsync(Boto3Loop loop, DateTimeOffset effective, Boto3Loop.Call refused, string message)
    {
        Assert.True(refused.Started - effective <= Propagation, $"the first refused call started {(refused.Started - effective).TotalMilliseconds:0} ms after the change");
        Assert.Contains(message, refused.Error);
        await loop.WaitForAsync(effective + Propagation + TimeSpan.FromSeconds(1), c => true, "calls after the bound");
        Assert.DoesNotContain(loop.Calls, c => c.Started >= effective + Propagation && c.Ok);
    }

    private async Task AssertRefusalsAuditedAsync(string user, string message)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var audit = (await _aws.Cluster.TctlLocalAsync(["audit", "ls", "--type=app.session.dynamodb.request", "--user=" + user, "--format=json", "--limit=1000"])).EnsureSuccess("audit ls");
            using var events = JsonDocument.Parse(audit.Stdout);
            var refused = events.RootElement.EnumerateArray().Where(e => !e.GetProperty("success").GetBoolean()).ToList();
            if (refused.Count > 0 && refused.All(e => e.GetProperty("error").GetString()!.Contains(message, StringComparison.Ordinal)
                || e.GetProperty("error").GetString()!.Contains("closed the request", StringComparison.Ordinal)))
            {
                Assert.Contains(refused, e => e.GetProperty("error").GetString()!.Contains(message, StringComparison.Ordinal));
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException($"no refused request of {user} audited with \"{message}\":\n{audit.Stdout}");
            }

            await Task.Delay(200);
        }
    }

    private async Task<Session> StartSessionAsync(string user, bool endpointMode)
    {
        var args = endpointMode ? new[] { "--endpoint-url" } : [];
        var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment(user), _aws.Cluster.HomeOf(user), args);
        var environment = _aws.Cluster.Environment("client-" + user);
        foreach (var (name, value) in proxy.Settings)
        {
            environment[name] = value;
        }

        var endpoint = endpointMode ? System.Text.RegularExpressions.Regex.Match(proxy.Output, @"https://localhost:\d+").Value : null;
        return new Session(proxy, Boto3Loop.Start(environment, endpoint, _aws.Cluster.Directory));
    }

    private sealed record Session(TshProxyProcess Proxy, Boto3Loop Loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Loop.DisposeAsync();
            await Proxy.DisposeAsync();
        }
    }
}
