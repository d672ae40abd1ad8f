using System.Net;
using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Ha;

/// <summary>
/// The guide's Steps 2–5 against the HA topology (two auth servers on PostgreSQL, two proxies and two agents behind
/// haproxy): users and agents know only the balancer's address, and every part of the cluster serves them.
/// </summary>
public sealed class HaGuideTests : IClassFixture<HaClusterFixture>
{
    private readonly HaCluster _ha;

    public HaGuideTests(HaClusterFixture fixture)
    {
        _ha = fixture.Ha;
    }

    [Fact]
    public async Task GuideSteps_ThroughTheBalancer_ReachAwsAsTheRole()
    {
        await _ha.AddLoggedInUserAsync("hana", "access,aws-dynamodb-access");

        var identity = (await _ha.Cli.TshAsync("hana", ["aws", "sts", "get-caller-identity"])).EnsureSuccess("tsh aws through the balancer\n" + _ha.Logs());
        Assert.Contains("assumed-role/ExampleTeleportDynamoDBRole/hana", identity.Stdout);
        var tables = (await _ha.Cli.TshAsync("hana", ["aws", "dynamodb", "list-tables"])).EnsureSuccess("list-tables");
        Assert.Contains(AwsSandbox.Table, tables.Stdout);

        // Auth runs apart from the proxies: its links point at the address the live proxies announce (the balancer).
        var invite = (await _ha.TctlAsync(["users", "add", "invited", "--roles=access"])).EnsureSuccess("tctl users add");
        Assert.Contains($"https://{_ha.ProxyAddress}/web/invite/", invite.Stdout);

        var apps = (await _ha.Cli.TctlLocalAsync(["apps", "ls", "--format=json"])).EnsureSuccess("apps ls");
        using var servers = JsonDocument.Parse(apps.Stdout);
        Assert.Equal(["agent1", "agent2"], servers.RootElement.EnumerateArray().Select(s => s.GetProperty("spec").GetProperty("hostname").GetString()).Order());
    }

    [Fact]
    public async Task EveryProcess_IsHealthyAndReady_AndExportsItsMetrics()
    {
        await _ha.AddLoggedInUserAsync("mira", "access,aws-dynamodb-access");
        (await _ha.Cli.TshAsync("mira", ["aws", "dynamodb", "list-tables"])).EnsureSuccess("a request for the app metrics");

        using var http = new HttpClient();
        var nodes = _ha.Auths.Concat(_ha.Proxies).Concat(_ha.Agents).ToList();
        foreach (var node in nodes)
        {
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync($"http://127.0.0.1:{node.DiagPort}/healthz")).StatusCode);
            using var ready = await http.GetAsync($"http://127.0.0.1:{node.DiagPort}/readyz");
            var readiness = await ready.Content.ReadAsStringAsync();
            Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{node.Name} /readyz: {readiness}");
            Assert.Contains("\"status\":\"ready\"", readiness);
        }

        // What an operator alerts on (docs/deploy-ha.md lists the metrics).
        await AssertMetricAsync(http, _ha.Auths[0], "ferry_backend_operation_duration_count", "engine=\"postgresql\"");
        foreach (var proxy in _ha.Proxies)
        {
            await AssertMetricAsync(http, proxy, "ferry_state", "what=\"proxy_agents\"", value => value == 2);
            await AssertMetricAsync(http, proxy, "ferry_state", "what=\"cache_stale\"", value => value == 0);
            await AssertMetricAsync(http, proxy, "ferry_state", "what=\"audit_queue\"");
        }

        foreach (var agent in _ha.Agents)
        {
            await AssertMetricAsync(http, agent, "ferry_state", "what=\"agent_tunnels\"", value => value >= _ha.Proxies.Count);
        }

        var served = 0.0;
        foreach (var node in _ha.Proxies.Concat(_ha.Agents))
        {
            served += await SumAsync(http, node, "ferry_app_request_duration_count");
        }

        Assert.True(served >= 1, "the request was timed by the hop that ended it (one event per request)");
    }

    private static async Task AssertMetricAsync(HttpClient http, HaCluster.Node node, string name, string label, Func<double, bool>? holds = null)
    {
        var text = await http.GetStringAsync($"http://127.0.0.1:{node.DiagPort}/metrics");
        var samples = Samples(text, name).Where(s => s.Labels.Contains(label, StringComparison.Ordinal)).ToList();
        Assert.True(samples.Count > 0, $"{node.Name} exports no {name}{{{label}}}:\n{text}");
        if (holds is not null)
        {
            Assert.True(samples.All(s => holds(s.Value)), $"{node.Name}: {name}{{{label}}} = {string.Join(", ", samples.Select(s => s.Value))}");
        }
    }

    private static async Task<double> SumAsync(HttpClient http, HaCluster.Node node, string name) =>
        Samples(await http.GetStringAsync($"http://127.0.0.1:{node.DiagPort}/metrics"), name).Sum(s => s.Value);

    /// <summary>The samples of one metric in the Prometheus text format: name{labels} value.</summary>
    private static IEnumerable<(string Labels, double Value)> Samples(string text, string name) =>
        text.Split('\n')
            .Where(line => line.StartsWith(name + "{", StringComparison.Ordinal) || line.StartsWith(name + " ", StringComparison.Ordinal))
            .Select(line =>
            {
                var space = line.LastIndexOf(' ');
                return (line[name.Length..space], double.Parse(line[(space + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            });
}
