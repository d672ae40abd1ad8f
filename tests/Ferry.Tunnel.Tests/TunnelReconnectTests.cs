using System.Net;
using Ferry.Tunnel.Agent;
using Ferry.Tunnel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests;

public sealed class TunnelReconnectTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ProxyRestart_AgentReconnectsByItselfWithBackoff_AndRequestsWorkAgain()
    {
        var proxy = await ProxyHost.StartAsync(output);
        var port = proxy.Port;
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-r", ["app-r"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-r").Count == 1, Timeout, "the proxy sees the agent");
        Assert.Equal("agent-r", await WhoAmIAsync(proxy, "app-r"));

        await proxy.DisposeAsync();
        await Eventually.TrueAsync(() => !agent.Client.IsConnected, Timeout, "the agent notices the proxy is gone");
        // Down long enough for a few failed dials (backoff 100 ms doubling up to 2 s in these tests).
        await Eventually.TrueAsync(() => agent.Client.LastError is not null, Timeout, "a dial fails while the proxy is down");
        await Task.Delay(1000);

        await using var restarted = await ProxyHost.StartAsync(output, port);
        await agent.Client.WaitUntilConnectedAsync().WaitAsync(Timeout);
        await Eventually.TrueAsync(() => restarted.Tunnels.AgentsFor("app-r").Count == 1, Timeout, "the new proxy sees the agent");

        Assert.Equal("agent-r", await WhoAmIAsync(restarted, "app-r"));
        Assert.IsType<TunnelConnectException>(agent.Client.LastError);
        output.WriteLine($"last dial error while the proxy was down: {agent.Client.LastError.Message}");
    }

    [Fact]
    public async Task UntrustedProxyCertificate_AgentRefusesToConnect()
    {
        await using var proxy = await ProxyHost.StartAsync(output, certificate: TestPki.RogueProxyCertificate);
        var checks = 0;
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-x", ["app-x"], options => new TunnelClientOptions
        {
            ProxyUrl = options.ProxyUrl,
            ClientCertificate = options.ClientCertificate,
            AgentId = options.AgentId,
            Services = options.Services,
            ServerCertificateValidation = (certificate, chain, errors) =>
            {
                Interlocked.Increment(ref checks);
                return options.ServerCertificateValidation(certificate, chain, errors);
            },
        });

        await Eventually.TrueAsync(() => agent.Client.LastError is not null && Volatile.Read(ref checks) > 0, Timeout, "a dial is refused");
        await Task.Delay(500);

        Assert.False(agent.Client.IsConnected);
        Assert.Empty(proxy.Tunnels.AgentsFor("app-x"));
        var error = Assert.IsType<TunnelConnectException>(agent.Client.LastError);
        Assert.Contains("TLS handshake failed", error.Message);
    }

    [Fact]
    public async Task AgentTheProxyDoesNotAdmit_IsToldWhy_AndNeverServes()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-n", ["app-n"], granted: false);

        await Eventually.TrueAsync(() => agent.Client.LastError is TunnelConnectException, Timeout, "a dial is refused");
        Assert.Contains("refused the agent (HTTP 403)", agent.Client.LastError!.Message);
        Assert.False(agent.Client.IsConnected);
        Assert.Empty(proxy.Tunnels.AgentsFor("app-n"));
    }

    [Fact]
    public async Task SilentNetworkPath_PingsNoticeTheDeadTunnels_AndTheAgentComesBackByItself()
    {
        var fast = TimeSpan.FromSeconds(1);
        await using var proxy = await ProxyHost.StartAsync(output, options: new Proxy.TunnelServerOptions
        {
            WebSocketKeepAliveInterval = fast,
            WebSocketKeepAliveTimeout = fast,
            Http2KeepAlivePingDelay = fast,
            Http2KeepAlivePingTimeout = fast,
        });
        await using var relay = new FreezableRelay(proxy.Port);
        await using var agent = await AgentHost.StartAsync(output, relay.Url, "agent-s", ["app-s"], options => new TunnelClientOptions
        {
            ProxyUrl = options.ProxyUrl,
            ClientCertificate = options.ClientCertificate,
            ServerCertificateValidation = options.ServerCertificateValidation,
            AgentId = options.AgentId,
            Services = options.Services,
            MinBackoff = options.MinBackoff,
            MaxBackoff = options.MaxBackoff,
            KeepAliveInterval = fast,
            KeepAliveTimeout = fast,
        });
        await Eventually.TrueAsync(() => agent.Client.ConnectedTunnels == 2, Timeout, "both tunnels are up");
        Assert.Equal("agent-s", await WhoAmIAsync(proxy, "app-s"));

        relay.FreezeExisting();
        var clock = System.Diagnostics.Stopwatch.StartNew();

        // Neither end gets a FIN; only pings can tell. Both ends drop the silent tunnels and the agent redials
        // (its count may never reach zero on the proxy: a fresh tunnel can arrive before the last silent one goes).
        await Eventually.TrueAsync(() => relay.Connections >= 4, Timeout, "the agent redials after its pings time out");
        output.WriteLine($"the agent redialled both tunnels {clock.ElapsedMilliseconds} ms after the path went silent");

        // Until the proxy has dropped the silent tunnels a request may still be sent on one; it then fails
        // when the HTTP/2 ping times out, rather than hanging.
        while (true)
        {
            using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
                using var response = await proxy.Tunnels.SendAsync("app-s", request, attempt.Token);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                break;
            }
            catch (HttpRequestException ex)
            {
                output.WriteLine($"a request on a silent tunnel failed after {clock.ElapsedMilliseconds} ms: {ex.Message}");
                Assert.True(clock.Elapsed < Timeout, "requests did not recover");
            }
        }

        output.WriteLine($"requests worked again after {clock.ElapsedMilliseconds} ms");
        for (var i = 0; i < 20; i++)
        {
            Assert.Equal("agent-s", await WhoAmIAsync(proxy, "app-s"));
        }
    }

    private static async Task<string> WhoAmIAsync(ProxyHost proxy, string service)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        using var response = await proxy.Tunnels.SendAsync(service, request, CancellationToken.None);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
