using System.Diagnostics;
using System.Net;
using Ferry.Tunnel.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests;

/// <summary>Measurements that print and do not assert: a shared 2-core machine is no benchmark rig.</summary>
public sealed class TunnelLatencyTests(ITestOutputHelper output)
{
    private const int Requests = 2000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Latency_TunnelVersusDirect_2000SequentialRequests()
    {
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-lat", ["app-lat"], listenDirect: true);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-lat").Count == 1, Timeout, "the proxy sees the agent");

        // Direct: the same app, the same HTTP/2 client settings, over a loopback TCP connection (h2c).
        using var direct = new HttpMessageInvoker(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false });
        Task<HttpResponseMessage> SendDirect() => direct.SendAsync(
            new HttpRequestMessage(HttpMethod.Get, new Uri(agent.DirectUrl!, "/whoami"))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            },
            CancellationToken.None);
        Task<HttpResponseMessage> SendTunnel() => proxy.Tunnels.SendAsync(
            "app-lat", new HttpRequestMessage(HttpMethod.Get, "/whoami"), CancellationToken.None);

        await MeasureAsync(SendDirect, 200);
        await MeasureAsync(SendTunnel, 200);

        // Interleaved in rounds, so drift on the machine affects both alike.
        var tunnel = new List<double>();
        var plain = new List<double>();
        for (var round = 0; round < 10; round++)
        {
            tunnel.AddRange(await MeasureAsync(SendTunnel, Requests / 10));
            plain.AddRange(await MeasureAsync(SendDirect, Requests / 10));
        }

        var added = Percentile(tunnel, 50) - Percentile(plain, 50);
        output.WriteLine($"{Requests} sequential GETs: direct h2c median {Percentile(plain, 50):F0} µs (p99 {Percentile(plain, 99):F0}), " +
            $"tunnel median {Percentile(tunnel, 50):F0} µs (p99 {Percentile(tunnel, 99):F0}); tunnel adds {added:F0} µs at the median");
    }

    [Fact]
    public async Task Throughput_256MBDownloadAndUpload()
    {
        const long size = 256L * 1024 * 1024;
        await using var proxy = await ProxyHost.StartAsync(output);
        await using var agent = await AgentHost.StartAsync(output, proxy.Url, "agent-tp", ["app-tp"]);
        await Eventually.TrueAsync(() => proxy.Tunnels.AgentsFor("app-tp").Count == 1, Timeout, "the proxy sees the agent");

        var clock = Stopwatch.StartNew();
        using (var response = await proxy.Tunnels.SendAsync("app-tp", new HttpRequestMessage(HttpMethod.Get, $"/download?bytes={size}"), CancellationToken.None))
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            await stream.CopyToAsync(Stream.Null);
        }

        var download = clock.Elapsed;
        clock.Restart();
        using (var response = await proxy.Tunnels.SendAsync("app-tp", new HttpRequestMessage(HttpMethod.Post, "/echo/sink") { Content = new Pattern.Content(size) }, CancellationToken.None))
        {
            await using var stream = await response.Content.ReadAsStreamAsync();
            await stream.CopyToAsync(Stream.Null);
        }

        var echo = clock.Elapsed;
        output.WriteLine($"256 MiB download: {size / 1048576.0 / download.TotalSeconds:F0} MiB/s; " +
            $"256 MiB echoed (up and down at once): {size / 1048576.0 / echo.TotalSeconds:F0} MiB/s each way");
    }

    private static async Task<List<double>> MeasureAsync(Func<Task<HttpResponseMessage>> send, int count)
    {
        var samples = new List<double>(count);
        for (var i = 0; i < count; i++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await send();
            await response.Content.ReadAsStringAsync();
            samples.Add(Stopwatch.GetElapsedTime(started).TotalMicroseconds);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        return samples;
    }

    private static double Percentile(List<double> samples, int percentile)
    {
        var sorted = samples.Order().ToList();
        return sorted[Math.Min(sorted.Count - 1, sorted.Count * percentile / 100)];
    }
}
