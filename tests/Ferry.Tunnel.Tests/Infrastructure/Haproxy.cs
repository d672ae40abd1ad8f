using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests.Infrastructure;

/// <summary>
/// Debian's real haproxy in TCP mode, round robin, in front of proxy hosts on loopback: the L4 load balancer
/// of an HA deployment. Backends are fixed when it starts; one whose port has nothing listening yet is marked
/// down by the health checks (every 500 ms, down after 2 failures, up after 1 success) until a proxy starts there.
/// Missing haproxy fails the test (never skips): install the Debian package <c>haproxy</c>.
/// </summary>
internal sealed class Haproxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private Haproxy(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The address agents dial: the balancer, with the proxies' certificate name (127.0.0.1).</summary>
    public Uri Url => new($"https://127.0.0.1:{Port}");

    /// <summary>A loopback port free right now, for a proxy that starts later behind the balancer.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static async Task<Haproxy> StartAsync(ITestOutputHelper output, IReadOnlyList<(string Name, int Port)> backends)
    {
        var directory = Directory.CreateTempSubdirectory("ferry-haproxy-").FullName;
        var port = FreePort();
        var servers = string.Concat(backends.Select(b =>
            string.Create(CultureInfo.InvariantCulture, $"    server {b.Name} 127.0.0.1:{b.Port} check inter 500 fall 2 rise 1\n")));
        // Tunnels are long-lived and idle between WebSocket pings: the timeouts must not close them.
        // A connect refused by a backend not yet marked down is retried on another (redispatch).
        var config = $"""
            global
                maxconn 512
            defaults
                mode tcp
                timeout connect 1s
                timeout client 1h
                timeout server 1h
                timeout tunnel 1h
                retries 2
                option redispatch
            frontend tunnels
                bind 127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}
                default_backend proxies
            backend proxies
                balance roundrobin
            {servers}
            """;
        var path = Path.Combine(directory, "haproxy.cfg");
        await File.WriteAllTextAsync(path, config);

        var start = new ProcessStartInfo("haproxy", ["-f", path, "-db"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("haproxy did not start");
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("haproxy is not installed; the load-balancer tests need it (apt-get install haproxy)", ex);
        }

        process.OutputDataReceived += (_, e) => Log(output, e.Data);
        process.ErrorDataReceived += (_, e) => Log(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var haproxy = new Haproxy(process, directory, port);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await AcceptsAsync(port))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                await haproxy.DisposeAsync();
                Assert.Fail($"haproxy did not come up on port {port} (exit code {(process.HasExited ? process.ExitCode : -1)}); config:\n{config}");
            }

            await Task.Delay(50);
        }

        return haproxy;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
        }

        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<bool> AcceptsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static void Log(ITestOutputHelper output, string? line)
    {
        if (line is null)
        {
            return;
        }

        try
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} haproxy {line}");
        }
        catch (InvalidOperationException)
        {
            // The test has finished; its output is closed.
        }
    }
}
