using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Ferry.Tunnel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests;

public sealed class TunnelRoundTripTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SendAsync_RequestRoundTrips_MethodPathQueryHeadersStatusAndBody()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-rt", ["app-rt"]);
        await agent.Client.WaitUntilConnectedAsync().WaitAsync(Timeout);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-rt").Count == 1, Timeout, "the proxy sees the agent");

        using var request = new HttpRequestMessage(HttpMethod.Put, "/echo/a%2Fb/./c?x=1&y=two%20words&status=201")
        {
            Content = new StringContent("hello through the tunnel", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Host = "app-rt.ferry.test";
        request.Headers.Add("x-test-token", "abc");
        request.Headers.Add("x-test-multi", ["1", "2"]);

        using var response = await proxy.Tunnels.SendAsync("app-rt", request, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("PUT", Header(response, "x-echo-method"));
        // The target reaches the agent byte for byte: no unescaping, no dot-segment removal.
        Assert.Equal("/echo/a%2Fb/./c?x=1&y=two%20words&status=201", Header(response, "x-echo-raw-target"));
        Assert.Equal("?x=1&y=two%20words&status=201", Header(response, "x-echo-query"));
        Assert.Equal("app-rt.ferry.test", Header(response, "x-echo-host"));
        Assert.Equal("HTTP/2", Header(response, "x-echo-protocol"));
        Assert.Equal("abc", Header(response, "x-echo-token"));
        Assert.Equal(["1", "2"], response.Headers.GetValues("x-echo-multi").SelectMany(v => v.Split(", ")));
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("hello through the tunnel", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task SendAsync_WhileKestrelMetricsAreCollected_ServesRequests()
    {
        // /metrics listens to Kestrel's meter; its connection metrics then read the tunnel's endpoints.
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        var measured = 0;
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Microsoft.AspNetCore.Server.Kestrel")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, _, _) => Interlocked.Increment(ref measured));
        listener.SetMeasurementEventCallback<double>((_, _, _, _) => Interlocked.Increment(ref measured));
        listener.Start();

        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-metrics", ["app-metrics"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-metrics").Count == 1, Timeout, "the proxy sees the agent");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/whoami");
        using var response = await proxy.Tunnels.SendAsync("app-metrics", request, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("agent-metrics", await response.Content.ReadAsStringAsync());
        Assert.True(Volatile.Read(ref measured) > 0, "Kestrel recorded its metrics for the tunnels");
    }

    [Fact]
    public async Task GetInvoker_ConnectedAgent_ServesRequests_AndUnknownAgentIsNull()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-inv", ["app-inv"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.GetInvoker("agent-inv") is not null, Timeout, "the proxy sees the agent");

        var invoker = proxy.Tunnels.GetInvoker("agent-inv")!;
        using var request = new HttpRequestMessage(HttpMethod.Get, "http://any-host.example/whoami");
        using var response = await invoker.SendAsync(request, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("agent-inv", await response.Content.ReadAsStringAsync());
        Assert.Null(proxy.Tunnels.GetInvoker("no-such-agent"));
    }

    [Fact]
    public async Task AgentEvents_ConnectAndDisconnect_AreRaisedOncePerAgent()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        var connected = new List<string>();
        var disconnected = new List<string>();
        proxy.Tunnels.AgentConnected += (_, e) => { lock (connected) { connected.Add($"{e.AgentId}:{string.Join(",", e.Services)}"); } };
        proxy.Tunnels.AgentDisconnected += (_, e) => { lock (disconnected) { disconnected.Add(e.AgentId); } };

        var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-ev", ["app-ev1", "app-ev2"]);
        await Eventually.TrueAsync(() => agent.Client.ConnectedTunnels == 2, Timeout, "both tunnels are up");
        await agent.StopAsync();
        await Eventually.TrueAsync(() => disconnected.Count == 1, Timeout, "the agent is reported gone");

        Assert.Equal(["agent-ev:app-ev1,app-ev2"], connected);
        Assert.Equal(["agent-ev"], disconnected);
        Assert.Empty(proxy.Tunnels.AgentsFor("app-ev1"));
    }

    [Fact]
    public async Task ConcurrentRequests_200_AllCompleteMultiplexedOverTwoTunnels()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-mux", ["app-mux"]);
        await Eventually.TrueAsync(() => agent.Client.ConnectedTunnels == 2, Timeout, "both tunnels are up");
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-mux").Count == 1, Timeout, "the proxy sees the agent");

        // Each request waits 300 ms at the agent, so all 200 are in flight together.
        var started = DateTime.UtcNow;
        var responses = await Task.WhenAll(Enumerable.Range(0, 200).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/slow?ms=300");
            using var response = await proxy.Tunnels.SendAsync("app-mux", request, CancellationToken.None);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).WaitAsync(Timeout);
        var elapsed = DateTime.UtcNow - started;
        output.WriteLine($"200 concurrent requests took {elapsed.TotalMilliseconds:F0} ms over {agent.ConnectionsUsed.Count} tunnel(s)");

        Assert.All(responses, r => Assert.Equal((HttpStatusCode.OK, "slow"), r));
        // Kestrel allows 100 streams per HTTP/2 connection, so 200 at once need both tunnels, and no more.
        Assert.Equal(2, agent.ConnectionsUsed.Count);
        Assert.True(elapsed < TimeSpan.FromSeconds(10), $"took {elapsed}: the requests did not run concurrently");
    }

    [Fact]
    public async Task ConcurrentRequests_MoreThanTheTunnelsCarry_WaitForAStreamAndComplete()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-queue", ["app-queue"]);
        await Eventually.TrueAsync(() => agent.Client.ConnectedTunnels == 2, Timeout, "both tunnels are up");
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-queue").Count == 1, Timeout, "the proxy sees the agent");

        // 300 at once: two tunnels carry 200 streams; the rest queue in the HTTP/2 client until streams free.
        var statuses = await Task.WhenAll(Enumerable.Range(0, 300).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/slow?ms=300");
            using var response = await proxy.Tunnels.SendAsync("app-queue", request, CancellationToken.None);
            return response.StatusCode;
        })).WaitAsync(Timeout);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(2, agent.ConnectionsUsed.Count);
    }

    [Fact]
    public async Task AcceptAsync_NotAWebSocketRequest_Returns400()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        ProxyHost.Grants["agent-plain"] = ["app-plain"];
        using var handler = new SocketsHttpHandler
        {
            SslOptions =
            {
                ClientCertificates = [TestPki.AgentCertificate("agent-plain")],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => TestPki.ChainsToCa(certificate as System.Security.Cryptography.X509Certificates.X509Certificate2),
            },
        };
        using var client = new HttpClient(handler);

        using var response = await client.GetAsync(new Uri(proxy.Url, TunnelDefaults.Path));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(proxy.Tunnels.AgentsFor("app-plain"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(", ", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(", ", contentValues)
        : null;
}
