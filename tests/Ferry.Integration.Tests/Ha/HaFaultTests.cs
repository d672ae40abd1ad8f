using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Core.Api;
using Ferry.Integration.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ferry.Integration.Tests.Ha;

/// <summary>
/// The fault suite of docs/deploy-ha.md: under a steady stream of boto3 calls through one `tsh proxy aws --endpoint-url`
/// (keep-alive), kill -9 each proxy, one auth server (while tctl users add loops through the auth balancer) and each
/// agent in turn, and restart PostgreSQL. Each time the longest stretch without a successful call stays within 5 s,
/// every acknowledged write exists afterwards and tsh login works right after. Each test puts the topology back.
/// The figures are printed as "outage:" and "role change:" lines; bench/failover.sh collects them.
/// </summary>
public sealed partial class HaFaultTests : IClassFixture<HaClusterFixture>
{
    private static readonly TimeSpan MaxOutage = TimeSpan.FromSeconds(5);
    private const string PostgresRole = Ferry.Storage.Tests.Postgres.PostgresCluster.Role;

    /// <summary>How long calls are watched after a fault: longer than the bound, so a longer outage cannot hide.</summary>
    private static readonly TimeSpan Observation = TimeSpan.FromSeconds(8);

    private readonly HaCluster _ha;
    private readonly ITestOutputHelper _output;

    public HaFaultTests(HaClusterFixture fixture, ITestOutputHelper output)
    {
        _ha = fixture.Ha;
        _output = output;
    }

    [Fact]
    public async Task KillEachProxy_CallsResumeWithinTheBound_AndLoginWorksRightAfter()
    {
        const string user = "fault-proxy";
        await _ha.AddLoggedInUserAsync(user, "access,aws-dynamodb-access");
        await using var session = await StartSessionAsync(user);
        foreach (var proxy in _ha.Proxies)
        {
            var outage = await MeasureOutageAsync(session, $"kill -9 {proxy.Name}", () =>
            {
                proxy.Kill();
                return Task.CompletedTask;
            });
            await AssertLoginWorksAsync(user);
            Assert.True(outage <= MaxOutage, $"{outage.TotalSeconds:0.0} s without a successful call after kill -9 {proxy.Name}\n{Failures(session)}\n{_ha.Logs()}");

            proxy.Start();
            await proxy.WaitReadyAsync();
            await WaitForAgentsToReachEveryProxyAsync();
        }
    }

    [Fact]
    public async Task KillOneAuthServer_WhileUsersAreAdded_CallsResume_AndEveryAcknowledgedUserExists()
    {
        const string user = "fault-auth";
        await _ha.AddLoggedInUserAsync(user, "access,aws-dynamodb-access");
        await using var session = await StartSessionAsync(user);
        var auth = _ha.Auths[0];

        using var stop = new CancellationTokenSource();
        var adds = AddUsersUntilAsync("added", stop.Token);
        TimeSpan outage;
        try
        {
            await Until.TrueAsync(() => adds.Acknowledged.Count >= 2, "tctl users add to succeed through the auth balancer", TimeSpan.FromSeconds(60));
            outage = await MeasureOutageAsync(session, $"kill -9 {auth.Name}", () =>
            {
                auth.Kill();
                return Task.CompletedTask;
            });
            var afterKill = adds.Acknowledged.Count;
            await Until.TrueAsync(() => adds.Acknowledged.Count >= afterKill + 2, "tctl users add to succeed again through the auth balancer", TimeSpan.FromSeconds(60));
        }
        finally
        {
            stop.Cancel();
            await adds.Loop;
        }

        await AssertLoginWorksAsync(user);
        Assert.True(outage <= MaxOutage, $"{outage.TotalSeconds:0.0} s without a successful call after kill -9 {auth.Name}\n{Failures(session)}\n{_ha.Logs()}");
        var users = await UserNamesAsync();
        Assert.All(adds.Acknowledged, name => Assert.Contains(name, users));
        _output.WriteLine($"tctl users add: {adds.Acknowledged.Count} acknowledged, {adds.Failed} failed while {auth.Name} died");

        auth.Start();
        await auth.WaitReadyAsync();
    }

    [Fact]
    public async Task KillEachAgent_CallsResumeWithinTheBound()
    {
        const string user = "fault-agent";
        await _ha.AddLoggedInUserAsync(user, "access,aws-dynamodb-access");
        await using var session = await StartSessionAsync(user);
        foreach (var agent in _ha.Agents)
        {
            var outage = await MeasureOutageAsync(session, $"kill -9 {agent.Name}", () =>
            {
                agent.Kill();
                return Task.CompletedTask;
            });
            Assert.True(outage <= MaxOutage, $"{outage.TotalSeconds:0.0} s without a successful call after kill -9 {agent.Name}\n{Failures(session)}\n{_ha.Logs()}");

            agent.Start();
            await agent.WaitReadyAsync();
            await WaitForAgentsToReachEveryProxyAsync();
        }
    }

    [Fact]
    public async Task PostgresRestart_CallsResumeWithinTheBound_AndWritesBeforeAndAfterExist()
    {
        const string user = "fault-pg";
        await _ha.AddLoggedInUserAsync(user, "access,aws-dynamodb-access");
        await using var session = await StartSessionAsync(user);
        (await _ha.TctlAsync(["users", "add", "before-restart", "--roles=access"])).EnsureSuccess("tctl users add before the restart");

        var outage = await MeasureOutageAsync(session, "PostgreSQL restart (fast)", () => _ha.Postgres.RestartAsync("fast"));

        await AssertLoginWorksAsync(user);
        Assert.True(outage <= MaxOutage, $"{outage.TotalSeconds:0.0} s without a successful call after the PostgreSQL restart\n{Failures(session)}\n{_ha.Logs()}");
        await Until.TrueAsync(async () => (await _ha.TctlAsync(["users", "add", "after-restart", "--roles=access"])).ExitCode == 0, "tctl users add after the restart", TimeSpan.FromSeconds(60));
        var users = await UserNamesAsync();
        Assert.Contains("before-restart", users);
        Assert.Contains("after-restart", users);
    }

    [Fact]
    public async Task RoleChangeThroughOneAuthServer_IsEnforcedByEveryProxyAndAgentWithinASecond()
    {
        // One session straight through each proxy; each proxy spreads its calls over both agents' tunnels.
        var sessions = new List<Session>();
        try
        {
            foreach (var proxy in _ha.Proxies)
            {
                var user = "narrowed-" + proxy.Name;
                await _ha.Cli.AddUserAsync(user, "access,aws-dynamodb-access", AwsCluster.Password);
                await _ha.LoginThroughAsync(user, proxy);
                sessions.Add(await StartSessionAsync(user));
            }

            foreach (var session in sessions)
            {
                await session.Loop.WaitForAsync(DateTimeOffset.MinValue, c => c.Ok, "a first successful call");
            }

            var path = Path.Combine(_ha.Directory, "narrowed-role.yaml");
            await File.WriteAllTextAsync(path, AwsCluster.GuideRole.Replace("role/ExampleTeleportDynamoDBRole", "role/SomethingElse", StringComparison.Ordinal) + "\n");
            (await _ha.TctlAsync(["create", "--force", "-f", path], _ha.Auths[1])).EnsureSuccess($"narrow the role through {_ha.Auths[1].Name}");
            var changed = DateTimeOffset.UtcNow;

            foreach (var session in sessions)
            {
                var refused = await session.Loop.WaitForAsync(changed, c => !c.Ok, "the narrowed role to refuse a call");
                Assert.True(refused.Started - changed <= TimeSpan.FromSeconds(1), $"the first refusal started {(refused.Started - changed).TotalMilliseconds:0} ms after the change");
                await session.Loop.WaitForAsync(changed + TimeSpan.FromSeconds(2), _ => true, "calls after the bound");
                Assert.DoesNotContain(session.Loop.Calls, c => c.Started >= changed + TimeSpan.FromSeconds(1) && c.Ok);
                _output.WriteLine($"role change: first refusal {(refused.Started - changed).TotalMilliseconds:0} ms after the change");
            }
        }
        finally
        {
            var path = Path.Combine(_ha.Directory, "guide-role.yaml");
            await File.WriteAllTextAsync(path, AwsCluster.GuideRole + "\n");
            (await _ha.TctlAsync(["create", "--force", "-f", path])).EnsureSuccess("restore the role");
            foreach (var session in sessions)
            {
                await session.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task EveryAuthServerDown_ProxiesFailClosedAndTurnNotReady_ThenRecover()
    {
        const string user = "fault-all-auth";
        await _ha.AddLoggedInUserAsync(user, "access,aws-dynamodb-access");
        await using var session = await StartSessionAsync(user);
        await session.Loop.WaitForAsync(DateTimeOffset.MinValue, c => c.Ok, "a first successful call");
        using var http = new HttpClient();
        try
        {
            foreach (var auth in _ha.Auths)
            {
                auth.Kill();
            }

            var killed = DateTimeOffset.UtcNow;

            // Nobody can tell a proxy about a lock or a deleted user now: once its state is stale it refuses, and says so.
            // Each proxy goes stale on its own clock (its last word from an auth server), and the balancer spreads the
            // session's calls over both, so the bound is per proxy: stale after WatchTiming.StaleAfter, plus a second.
            var refused = await session.Loop.WaitForAsync(killed, c => !c.Ok, "calls to be refused without any auth server", TimeSpan.FromSeconds(30));
            Assert.Contains("cluster state is stale", refused.Error);
            foreach (var proxy in _ha.Proxies)
            {
                await Until.TrueAsync(async () =>
                {
                    using var ready = await http.GetAsync($"http://127.0.0.1:{proxy.DiagPort}/readyz");
                    return ready.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable
                        && (await ready.Content.ReadAsStringAsync()).Contains("not in sync with the auth server", StringComparison.Ordinal);
                }, $"{proxy.Name} to report itself not ready without any auth server", TimeSpan.FromSeconds(30));
            }

            var everyProxyStale = DateTimeOffset.UtcNow;
            await session.Loop.WaitForAsync(everyProxyStale + TimeSpan.FromSeconds(1), _ => true, "more calls without any auth server");
            var bound = killed + WatchTiming.StaleAfter + TimeSpan.FromSeconds(1);
            Assert.DoesNotContain(session.Loop.Calls, c => c.Started >= bound && c.Ok);
            Assert.DoesNotContain(session.Loop.Calls, c => c.Started >= everyProxyStale && c.Ok);
        }
        finally
        {
            foreach (var auth in _ha.Auths)
            {
                auth.Start();
                await auth.WaitReadyAsync();
            }
        }

        var back = DateTimeOffset.UtcNow;
        await session.Loop.WaitForAsync(back, c => c.Ok, "calls to succeed once the auth servers are back", TimeSpan.FromSeconds(30));
        _output.WriteLine($"every auth server down: calls succeed again {(session.Loop.Calls.First(c => c.Ok && c.Started >= back).Started - back).TotalMilliseconds:0} ms after both are ready");
        foreach (var proxy in _ha.Proxies)
        {
            await proxy.WaitReadyAsync();
        }

        await AssertLoginWorksAsync(user);
    }

    [Fact]
    public async Task AuditDatabaseUnreachable_AuthTurnsNotReady_AndReadyAgainWhenItIsBack()
    {
        var auth = _ha.Auths[0];
        using var http = new HttpClient();
        var database = _ha.AuditDatabase;
        await _ha.Postgres.AdminAsync("postgres", $"REVOKE CONNECT ON DATABASE {database} FROM PUBLIC; REVOKE CONNECT ON DATABASE {database} FROM {PostgresRole};");
        try
        {
            await _ha.Postgres.TerminateAsync(auth.Name + "-audit");
            await Until.TrueAsync(async () =>
            {
                using var ready = await http.GetAsync($"http://127.0.0.1:{auth.DiagPort}/readyz");
                var body = await ready.Content.ReadAsStringAsync();
                return ready.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && body.Contains("\"name\":\"auth audit log\",\"ok\":false", StringComparison.Ordinal);
            }, $"{auth.Name} to report its audit log unreachable", TimeSpan.FromSeconds(60));
        }
        finally
        {
            await _ha.Postgres.AdminAsync("postgres", $"GRANT CONNECT ON DATABASE {database} TO {PostgresRole};");
        }

        await auth.WaitReadyAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Runs the fault once a call has just succeeded, watches the calls for <see cref="Observation"/>, and returns the
    /// longest time from the fault or a successful call to the next successful call.
    /// </summary>
    private async Task<TimeSpan> MeasureOutageAsync(Session session, string fault, Func<Task> inject)
    {
        await session.Loop.WaitForAsync(DateTimeOffset.UtcNow, c => c.Ok, "a successful call before: " + fault);
        var at = DateTimeOffset.UtcNow;
        await inject();
        var last = await session.Loop.WaitForAsync(at + Observation, c => c.Ok, "a successful call after: " + fault, TimeSpan.FromSeconds(60));

        var successes = session.Loop.Calls.Where(c => c.Ok && c.Started >= at && c.Started <= last.Started).Select(c => c.Started);
        var longest = TimeSpan.Zero;
        var previous = at;
        foreach (var started in successes)
        {
            longest = started - previous > longest ? started - previous : longest;
            previous = started;
        }

        var failed = session.Loop.Calls.Count(c => !c.Ok && c.Started >= at);
        _output.WriteLine($"outage: {fault}: {longest.TotalMilliseconds:0} ms without a successful call, {failed} calls failed");
        return longest;
    }

    /// <summary>
    /// A fresh tsh login and tsh apps login through the balancer, as the session user's twin (<see cref="StartSessionAsync"/>
    /// creates it): a new app login of the session's own user would end the app session its tsh proxy aws is using.
    /// </summary>
    private async Task AssertLoginWorksAsync(string sessionUser)
    {
        var user = sessionUser + "-relogin";
        var login = await _ha.Cli.LoginAsync(user, AwsCluster.Password);
        login.EnsureSuccess("tsh login right after the fault\n" + _ha.Logs());
        (await _ha.Cli.TshAsync(user, ["apps", "login", "--aws-role", "ExampleTeleportDynamoDBRole", HaCluster.AppName])).EnsureSuccess("tsh apps login right after the fault");
    }

    /// <summary>Every proxy serves both agents again (a restarted one holds tunnels from each; /metrics counts them).</summary>
    private async Task WaitForAgentsToReachEveryProxyAsync()
    {
        using var http = new HttpClient();
        foreach (var proxy in _ha.Proxies)
        {
            await Until.TrueAsync(async () =>
            {
                var metrics = await http.GetStringAsync($"http://127.0.0.1:{proxy.DiagPort}/metrics");
                var match = ProxyAgents().Match(metrics);
                return match.Success && double.Parse(match.Groups["value"].Value, System.Globalization.CultureInfo.InvariantCulture) >= _ha.Agents.Count;
            }, $"{proxy.Name} to hold tunnels from every agent", TimeSpan.FromSeconds(60));
        }
    }

    private async Task<HashSet<string>> UserNamesAsync()
    {
        var listed = (await _ha.TctlAsync(["get", "users", "--format=json"])).EnsureSuccess("tctl get users");
        using var users = JsonDocument.Parse(listed.Stdout);
        return users.RootElement.EnumerateArray().Select(u => u.GetProperty("metadata").GetProperty("name").GetString()!).ToHashSet(StringComparer.Ordinal);
    }

    private sealed class UserAdds
    {
        private readonly List<string> _acknowledged = [];

        public Task Loop { get; set; } = Task.CompletedTask;
        public int Failed { get; set; }

        public IReadOnlyList<string> Acknowledged
        {
            get
            {
                lock (_acknowledged)
                {
                    return [.. _acknowledged];
                }
            }
        }

        public void Acknowledge(string name)
        {
            lock (_acknowledged)
            {
                _acknowledged.Add(name);
            }
        }
    }

    /// <summary>tctl users add through the auth balancer, one after another, remembering which ones returned 0.</summary>
    private UserAdds AddUsersUntilAsync(string prefix, CancellationToken stop)
    {
        var adds = new UserAdds();
        adds.Loop = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var name = $"{prefix}-{i}";
                var result = await _ha.TctlAsync(["users", "add", name, "--roles=access"]);
                if (result.ExitCode == 0)
                {
                    adds.Acknowledge(name);
                }
                else
                {
                    adds.Failed++;
                }
            }
        }, CancellationToken.None);
        return adds;
    }

    private static string Failures(Session session) =>
        "failed calls:\n" + string.Join("\n", session.Loop.Calls.Where(c => !c.Ok).TakeLast(10).Select(c => $"{c.Started:HH:mm:ss.fff} {c.Error}")) +
        "\ntsh proxy aws:\n" + session.Proxy.Output;

    private async Task<Session> StartSessionAsync(string user)
    {
        await _ha.Cli.AddUserAsync(user + "-relogin", "access,aws-dynamodb-access", AwsCluster.Password);
        var proxy = await TshProxyProcess.StartAsync(_ha.Cli.Environment(user), _ha.Cli.HomeOf(user), "--endpoint-url");
        var environment = _ha.Cli.Environment("client-" + user);
        foreach (var (name, value) in proxy.Settings)
        {
            environment[name] = value;
        }

        var endpoint = LocalEndpoint().Match(proxy.Output).Value;
        return new Session(proxy, Boto3Loop.Start(environment, endpoint, _ha.Directory));
    }

    private sealed record Session(TshProxyProcess Proxy, Boto3Loop Loop) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Loop.DisposeAsync();
            await Proxy.DisposeAsync();
        }
    }

    [GeneratedRegex(@"https://localhost:\d+")]
    private static partial Regex LocalEndpoint();

    [GeneratedRegex(@"^ferry_state\{[^}]*what=""proxy_agents""[^}]*\}\s+(?<value>[0-9.eE+-]+)", RegexOptions.Multiline)]
    private static partial Regex ProxyAgents();
}
