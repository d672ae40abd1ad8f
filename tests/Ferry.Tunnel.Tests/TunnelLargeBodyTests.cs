using System.Diagnostics;
using System.Net;
using Ferry.Tunnel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests;

public sealed class TunnelLargeBodyTests(ITestOutputHelper output)
{
    private const long Size = 70L * 1024 * 1024;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Upload70MB_StreamsThroughTheTunnel()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-up", ["app-up"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-up").Count == 1, Timeout, "the proxy sees the agent");

        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/upload") { Content = new Pattern.Content(Size) };
        using var response = await proxy.Tunnels.SendAsync("app-up", request, CancellationToken.None).WaitAsync(Timeout);
        var body = await response.Content.ReadAsStringAsync();
        clock.Stop();
        output.WriteLine($"uploaded 70 MiB in {clock.ElapsedMilliseconds} ms ({Size / 1048576.0 / clock.Elapsed.TotalSeconds:F0} MiB/s)");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal($"{Size} 0", body);
    }

    [Fact]
    public async Task Download70MB_StreamsThroughTheTunnel()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-down", ["app-down"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-down").Count == 1, Timeout, "the proxy sees the agent");

        var clock = Stopwatch.StartNew();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/download?bytes={Size}");
        // Headers first, then the body as a stream: the test reads it chunk by chunk, nothing holds all of it.
        var invoker = proxy.Tunnels.GetInvoker("agent-down")!;
        using var response = await invoker.SendAsync(request, CancellationToken.None).WaitAsync(Timeout);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Size, response.Content.Headers.ContentLength);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var (count, mismatches) = await Pattern.VerifyAsync(stream, CancellationToken.None).WaitAsync(Timeout);
        clock.Stop();
        output.WriteLine($"downloaded 70 MiB in {clock.ElapsedMilliseconds} ms ({Size / 1048576.0 / clock.Elapsed.TotalSeconds:F0} MiB/s)");

        Assert.Equal(Size, count);
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public async Task EchoedBody_StreamsBothWaysAtOnce()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-echo", ["app-echo"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-echo").Count == 1, Timeout, "the proxy sees the agent");

        // 16 MiB echoed: more than both HTTP/2 windows together, so it only completes if the agent sends the
        // response while the request body is still arriving.
        const long echoSize = 16L * 1024 * 1024;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/echo/big") { Content = new Pattern.Content(echoSize) };
        using var response = await proxy.Tunnels.SendAsync("app-echo", request, CancellationToken.None)
            .WaitAsync(Timeout);
        await using var stream = await response.Content.ReadAsStreamAsync();
        var (count, mismatches) = await Pattern.VerifyAsync(stream, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(echoSize, count);
        Assert.Equal(0, mismatches);
    }
}
