using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using Ferry.Tunnel.Proxy;
using Ferry.Tunnel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests;

/// <summary>
/// Several proxies behind one L4 load balancer (real haproxy, TCP, round robin): with the live proxy set the
/// agent holds two tunnels to each, so a request reaching any proxy finds it.
/// </summary>
public sealed class TunnelLoadBalancerTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    // What the design promises: a proxy added to the live set holds its tunnels within this long.
    private static readonly TimeSpan NewProxyBound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task TwoProxies_AgentHoldsTwoTunnelsToEach_AndARequestThroughEitherReachesIt()
    {
        await using var p1 = await StartProxyAsync("p1");
        await using var p2 = await StartProxyAsync("p2");
        await using var balancer = await Haproxy.StartAsync(output, [("p1", p1.Port), ("p2", p2.Port)]);
        var live = new LiveSet("p1", "p2");

        var clock = Stopwatch.StartNew();
        await using var agent = await AgentHost.StartAsync(output, balancer.Url, "agent-lb1", ["app-lb1"], live.Configure());
        await Eventually.TrueAsync(() => Holds(agent, ("p1", 2), ("p2", 2)), NewProxyBound, "the agent holds two tunnels to each proxy");
        output.WriteLine($"CONVERGED on 2 proxies in {clock.ElapsedMilliseconds} ms with {agent.Client.Dials} dials");
        // Round robin sends consecutive dials to alternate proxies: four dials, give or take a declined one.
        Assert.InRange(agent.Client.Dials, 4, 8);

        foreach (var proxy in new[] { p1, p2 })
        {
            Assert.Equal(["agent-lb1"], proxy.Tunnels.AgentsFor("app-lb1"));
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal("agent-lb1", await WhoAmIAsync(proxy, "app-lb1"));
            }
        }

        Assert.Equal(4, agent.Client.ConnectedTunnels);
    }

    [Fact]
    public async Task ThirdProxyAddedToTheLiveSet_IsReachedWithinTenSeconds()
    {
        var port3 = Haproxy.FreePort();
        await using var p1 = await StartProxyAsync("p1");
        await using var p2 = await StartProxyAsync("p2");
        await using var balancer = await Haproxy.StartAsync(output, [("p1", p1.Port), ("p2", p2.Port), ("p3", port3)]);
        var live = new LiveSet("p1", "p2");
        // The default poll interval (5 s): the bound is measured as an operator would see it.
        await using var agent = await AgentHost.StartAsync(output, balancer.Url, "agent-lb2", ["app-lb2"], live.Configure());
        await Eventually.TrueAsync(() => Holds(agent, ("p1", 2), ("p2", 2)), Timeout, "the agent holds two tunnels to each of the first two proxies");

        // A new proxy starts behind the balancer, and its heartbeat makes it live.
        await using var p3 = await StartProxyAsync("p3", port3);
        var dials = agent.Client.Dials;
        live.Add("p3");
        var clock = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => Holds(agent, ("p1", 2), ("p2", 2), ("p3", 2)), NewProxyBound, "the agent holds two tunnels to the new proxy too");
        output.WriteLine($"REACHED the third proxy {clock.ElapsedMilliseconds} ms after it became live, with {agent.Client.Dials - dials} dials");

        Assert.Equal(["agent-lb2"], p3.Tunnels.AgentsFor("app-lb2"));
        foreach (var proxy in new[] { p1, p2, p3 })
        {
            Assert.Equal("agent-lb2", await WhoAmIAsync(proxy, "app-lb2"));
        }
    }

    [Fact]
    public async Task ProxyNotLiveYet_ItsTunnelIsKept_AndOnceLiveItGetsItsShare()
    {
        await using var p1 = await StartProxyAsync("p1");
        await using var p2 = await StartProxyAsync("p2");
        await using var balancer = await Haproxy.StartAsync(output, [("p1", p1.Port), ("p2", p2.Port)]);
        // p2's heartbeat has not reached auth yet.
        var live = new LiveSet("p1");
        await using var agent = await AgentHost.StartAsync(output, balancer.Url, "agent-lb3", ["app-lb3"], live.Configure(TimeSpan.FromMilliseconds(500)));

        // Dialling for p1's share, the balancer also sends the agent to p2: that tunnel is kept, not closed.
        await Eventually.TrueAsync(
            () => agent.Client.TunnelsByProxy.GetValueOrDefault("p1") == 2 && agent.Client.TunnelsByProxy.GetValueOrDefault("p2") >= 1,
            Timeout, "the agent holds p1's share and a tunnel to p2");
        Assert.Equal("agent-lb3", await WhoAmIAsync(p2, "app-lb3"));

        live.Add("p2");
        await Eventually.TrueAsync(() => Holds(agent, ("p1", 2), ("p2", 2)), NewProxyBound, "p2 gets its share once live");
    }

    [Fact]
    public async Task ProxyRemovedFromTheLiveSet_LosesItsTunnels_RequestsUnderWayFinish_AndItIsNotDialledAgain()
    {
        await using var p1 = await StartProxyAsync("p1");
        await using var p2 = await StartProxyAsync("p2");
        await using var balancer = await Haproxy.StartAsync(output, [("p1", p1.Port), ("p2", p2.Port)]);
        var live = new LiveSet("p1", "p2");
        await using var agent = await AgentHost.StartAsync(output, balancer.Url, "agent-lb4", ["app-lb4"], live.Configure(TimeSpan.FromMilliseconds(500)));
        await Eventually.TrueAsync(() => Holds(agent, ("p1", 2), ("p2", 2)), Timeout, "the agent holds two tunnels to each proxy");

        // A request under way on p2 when it leaves the live set: its tunnel is closed gracefully (GOAWAY).
        using var slow = new HttpRequestMessage(HttpMethod.Get, "/slow?ms=1500");
        var pending = p2.Tunnels.SendAsync("app-lb4", slow, CancellationToken.None);
        await Eventually.TrueAsync(() => agent.ConnectionsUsed.Count > 0, Timeout, "the slow request reached the agent");

        live.Remove("p2");
        await Eventually.TrueAsync(() => Holds(agent, ("p1", 2)), Timeout, "the agent closed its tunnels to p2");
        await Eventually.TrueAsync(() => p2.Tunnels.AgentsFor("app-lb4").Count == 0, Timeout, "p2 lost the agent");
        using (var response = await pending.WaitAsync(Timeout))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("slow", await response.Content.ReadAsStringAsync());
        }

        Assert.Equal("agent-lb4", await WhoAmIAsync(p1, "app-lb4"));
        await Assert.ThrowsAsync<TunnelUnavailableException>(() => WhoAmIAsync(p2, "app-lb4"));

        // Every live proxy holds its share: the agent does not dial (and so cannot land on p2) again.
        var dials = agent.Client.Dials;
        await Task.Delay(2000);
        Assert.Equal(dials, agent.Client.Dials);
        Assert.Empty(p2.Tunnels.AgentsFor("app-lb4"));
    }

    [Fact]
    public async Task ProxyKilled_IsDropped_TheOtherKeepsServing_AndDialsStayBoundedUntilItLeavesTheLiveSet()
    {
        await using var p1 = await StartProxyAsync("p1");
        var p2 = await StartProxyAsync("p2");
        await using var balancer = await Haproxy.StartAsync(output, [("p1", p1.Port), ("p2", p2.Port)]);
        var live = new LiveSet("p1", "p2");
        await using var agent = await AgentHost.StartAsync(output, balancer.Url, "agent-lb5", ["app-lb5"], live.Configure(TimeSpan.FromMilliseconds(500)));
        await Eventually.TrueAsync(() => Holds(agent, ("p1", 2), ("p2", 2)), Timeout, "the agent holds two tunnels to each proxy");

        await p2.DisposeAsync();
        await Eventually.TrueAsync(() => Holds(agent, ("p1", 2)), Timeout, "the agent dropped the dead proxy's tunnels");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("agent-lb5", await WhoAmIAsync(p1, "app-lb5"));
        }

        // p2 is still live for auth (its heartbeat has not expired): the agent keeps looking for it, but the
        // balancer only has p1, which declines. The covered back-off (capped at 1 s) bounds the rate.
        var window = TimeSpan.FromSeconds(5);
        var before = agent.Client.Dials;
        await Task.Delay(window);
        var dials = agent.Client.Dials - before;
        output.WriteLine($"DIALS while a live proxy was unreachable: {dials} in {window.TotalSeconds} s");
        // At the cap a delay is drawn from [0.5 s, 1 s]: at most two dials a second, plus the one under way.
        var most = (long)(window / (Agent.ProxyDialler.CoveredMaxBackoff / 2)) + 2;
        Assert.InRange(dials, 1, most);
        Assert.True(Holds(agent, ("p1", 2)));

        // Its heartbeat expires: the agent stops dialling.
        live.Remove("p2");
        var polls = live.Polls;
        await Eventually.TrueAsync(() => live.Polls >= polls + 2, Timeout, "the agent polled the live set after the change");
        var settled = agent.Client.Dials;
        await Task.Delay(2000);
        Assert.Equal(settled, agent.Client.Dials);
        Assert.Equal("agent-lb5", await WhoAmIAsync(p1, "app-lb5"));
    }

    [Fact]
    public async Task WithoutLiveSet_TwoTunnelsToWhateverTheBalancerGives_AsForOneProxy()
    {
        await using var p1 = await StartProxyAsync("p1");
        await using var p2 = await StartProxyAsync("p2");
        await using var balancer = await Haproxy.StartAsync(output, [("p1", p1.Port), ("p2", p2.Port)]);
        await using var agent = await AgentHost.StartAsync(output, balancer.Url, "agent-lb6", ["app-lb6"]);

        await Eventually.TrueAsync(() => agent.Client.ConnectedTunnels == 2, Timeout, "both tunnels are up");
        var byProxy = agent.Client.TunnelsByProxy;
        output.WriteLine($"tunnels: {string.Join(", ", byProxy.Select(t => $"{t.Key}={t.Value}"))}");
        Assert.Equal(2, byProxy.Values.Sum());
        Assert.All(byProxy.Keys, id => Assert.Contains(id, new[] { "p1", "p2" }));
        Assert.Equal(2, agent.Client.Dials);
    }

    [Fact]
    public async Task Proxy_SaysItsId_AndDeclinesAnAgentThatSkipsIt()
    {
        await using var proxy = await StartProxyAsync("p1");
        ProxyHost.Grants["agent-lb7"] = ["app-lb7"];
        var tunnelUrl = new Uri($"wss://127.0.0.1:{proxy.Port}{TunnelDefaults.Path}");

        using (var skipping = NewSocket())
        {
            skipping.Options.SetRequestHeader(TunnelDefaults.SkipProxiesHeader, "p0, p1");
            await Assert.ThrowsAsync<WebSocketException>(() => skipping.ConnectAsync(tunnelUrl, CancellationToken.None));
            Assert.Equal((HttpStatusCode)TunnelDefaults.DeclinedStatus, skipping.HttpStatusCode);
            Assert.Equal(["p1"], skipping.HttpResponseHeaders![TunnelDefaults.ProxyIdHeader]);
        }

        Assert.Empty(proxy.Tunnels.AgentsFor("app-lb7"));

        using var welcome = NewSocket();
        welcome.Options.SetRequestHeader(TunnelDefaults.SkipProxiesHeader, "p0,p2");
        await welcome.ConnectAsync(tunnelUrl, CancellationToken.None);
        Assert.Equal("p1", Agent.TunnelConnection.ReadProxyId(welcome.HttpResponseHeaders));
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-lb7").Count == 1, Timeout, "the tunnel opened");
        await welcome.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None);

        static ClientWebSocket NewSocket()
        {
            var socket = new ClientWebSocket();
            socket.Options.ClientCertificates.Add(TestPki.AgentCertificate("agent-lb7"));
            socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                TestPki.ChainsToCa(certificate as System.Security.Cryptography.X509Certificates.X509Certificate2);
            socket.Options.CollectHttpResponseDetails = true;
            return socket;
        }
    }

    private Task<ProxyHost> StartProxyAsync(string proxyId, int port = 0) =>
        ProxyHost.StartAsync(output, port, options: new TunnelServerOptions { ProxyId = proxyId });

    private static bool Holds(AgentHost agent, params (string ProxyId, int Count)[] expected)
    {
        var actual = agent.Client.TunnelsByProxy;
        return actual.Count == expected.Length && expected.All(e => actual.GetValueOrDefault(e.ProxyId) == e.Count);
    }

    private static async Task<string> WhoAmIAsync(ProxyHost proxy, string service)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        using var response = await proxy.Tunnels.SendAsync(service, request, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
