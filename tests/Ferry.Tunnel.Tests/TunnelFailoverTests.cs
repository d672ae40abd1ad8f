using System.Diagnostics;
using System.Net;
using Ferry.Tunnel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests;

public sealed class TunnelFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task TwoAgents_RequestsSpreadOverBoth_AndStoppingOneFailsNoRequest()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var first = await AgentHost.StartAsync(output, proxy.Url, "agent-f1", ["app-f"]);
        await using var second = await AgentHost.StartAsync(output, proxy.Url, "agent-f2", ["app-f"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-f").Count == 2, Timeout, "the proxy sees both agents");

        var before = await WhoAnswersAsync(proxy, "app-f", 100);
        output.WriteLine($"before the stop: {Describe(before)}");
        Assert.True(before.GetValueOrDefault("agent-f1") >= 10 && before.GetValueOrDefault("agent-f2") >= 10, Describe(before));

        // Keep requests flowing (4 at a time) while the first agent stops gracefully.
        using var stop = new CancellationTokenSource();
        var during = new Dictionary<string, int>();
        var failures = new List<Exception>();
        var traffic = Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    var who = await WhoAmIAsync(proxy, "app-f");
                    lock (during)
                    {
                        during[who] = during.GetValueOrDefault(who) + 1;
                    }
                }
                catch (Exception ex)
                {
                    lock (failures)
                    {
                        failures.Add(ex);
                    }
                }
            }
        })));

        await Task.Delay(300);
        await first.StopAsync().WaitAsync(Timeout);
        await Task.Delay(300);
        await stop.CancelAsync();
        await traffic.WaitAsync(Timeout);
        output.WriteLine($"during the stop: {Describe(during)}");

        var after = await WhoAnswersAsync(proxy, "app-f", 50);
        foreach (var failure in failures)
        {
            output.WriteLine($"FAILURE: {failure}");
        }

        Assert.Empty(failures);
        Assert.Equal(50, after.GetValueOrDefault("agent-f2"));
        Assert.Equal(["agent-f2"], proxy.Tunnels.AgentsFor("app-f"));
    }

    [Fact]
    public async Task AllAgentsGone_FailsFastWithTypedException_AndARestartedAgentServesAgain()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        var graceful = await AgentHost.StartAsync(output, proxy.Url, "agent-g1", ["app-g"]);
        var crashed = await AgentHost.StartAsync(output, proxy.Url, "agent-g2", ["app-g"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-g").Count == 2, Timeout, "the proxy sees both agents");
        Assert.Contains(await WhoAmIAsync(proxy, "app-g"), new[] { "agent-g1", "agent-g2" });

        await graceful.StopAsync();
        await crashed.KillAsync();

        // Once the proxy has seen both go. A request that catches the killed agent's tunnel in the moment it dies may
        // have been written to it (that tunnel already carried a request), so it fails as a request that may have been
        // sent, an HttpRequestException (InFlightRequest_WhenTheAgentDies_FailsInsteadOfHanging), not as this one.
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-g").Count == 0, Timeout, "the proxy forgets both agents");
        var clock = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<TunnelUnavailableException>(() => WhoAmIAsync(proxy, "app-g"));
        clock.Stop();
        output.WriteLine($"failed after {clock.ElapsedMilliseconds} ms: {error.Message}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
        Assert.StartsWith("no app service is connected for ", error.Message);
        Assert.Contains("\"app-g\"", error.Message);
        Assert.Equal("app-g", error.Service);

        await using var restarted = await AgentHost.StartAsync(output, proxy.Url, "agent-g1", ["app-g"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-g").Count == 1, Timeout, "the restarted agent is back");
        Assert.Equal("agent-g1", await WhoAmIAsync(proxy, "app-g"));
    }

    [Fact]
    public async Task InFlightRequest_WhenTheAgentDies_FailsInsteadOfHanging()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-d", ["app-d"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-d").Count == 1, Timeout, "the proxy sees the agent");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/slow?ms=20000");
        var pending = proxy.Tunnels.SendAsync("app-d", request, CancellationToken.None);
        await Task.Delay(300);
        Assert.False(pending.IsCompleted);

        var clock = Stopwatch.StartNew();
        await agent.KillAsync();
        await Assert.ThrowsAnyAsync<HttpRequestException>(() => pending.WaitAsync(Timeout));
        output.WriteLine($"the in-flight request failed {clock.ElapsedMilliseconds} ms after the kill");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
    }

    [Fact]
    public async Task GetInvoker_AgentWithNoTunnelLeft_FailsFast()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-h", ["app-h"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.GetInvoker("agent-h") is not null, Timeout, "the proxy sees the agent");
        var invoker = proxy.Tunnels.GetInvoker("agent-h")!;

        await agent.KillAsync();
        await Eventually.TrueAsync(() => proxy.Tunnels.GetInvoker("agent-h") is null, Timeout, "the proxy forgets the agent");

        // A caller that kept the old invoker is told at once, not left waiting.
        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        await Assert.ThrowsAnyAsync<Exception>(() => invoker.SendAsync(request, CancellationToken.None));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(2), $"took {clock.Elapsed}");
    }

    private static async Task<Dictionary<string, int>> WhoAnswersAsync(ProxyHost proxy, string service, int requests)
    {
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < requests; i++)
        {
            var who = await WhoAmIAsync(proxy, service);
            counts[who] = counts.GetValueOrDefault(who) + 1;
        }

        return counts;
    }

    private static async Task<string> WhoAmIAsync(ProxyHost proxy, string service)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        using var response = await proxy.Tunnels.SendAsync(service, request, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static string Describe(Dictionary<string, int> counts) =>
        string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Key}={c.Value}"));
}
