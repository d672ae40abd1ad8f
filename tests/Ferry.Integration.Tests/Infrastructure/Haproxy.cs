using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// Debian's haproxy in TCP mode, in front of several Ferry processes: round robin, health checks on each process's
/// /readyz (teleport.diag_addr), a dead backend marked down within about a second. What an operator runs in front
/// of auth servers and proxies (docs/deploy-ha.md).
/// </summary>
internal sealed class Haproxy : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private Haproxy(Process process, string configPath)
    {
        _process = process;
        ConfigPath = configPath;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public string ConfigPath { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>One balanced port: its backends are (listen port, diag port) pairs.</summary>
    public sealed record Frontend(string Name, int Port, IReadOnlyList<(string Name, int Port, int DiagPort)> Servers);

    public static Haproxy Start(string directory, params Frontend[] frontends)
    {
        var binary = new[] { "/usr/sbin/haproxy", "/usr/bin/haproxy" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("the HA tests need Debian's haproxy: apt-get install -y haproxy (scripts/test.sh does)");
        var config = new StringBuilder("""
            global
              maxconn 4096
            defaults
              mode tcp
              timeout connect 2s
              timeout client 1h
              timeout server 1h
              timeout check 1s
              # A connection refused by a backend that died since its last check goes to another one.
              retries 3
              option redispatch 1

            """);
        foreach (var frontend in frontends)
        {
            config.Append(CultureInfo.InvariantCulture, $"frontend {frontend.Name}\n  bind 127.0.0.1:{frontend.Port}\n  default_backend {frontend.Name}_servers\n");
            config.Append(CultureInfo.InvariantCulture, $"backend {frontend.Name}_servers\n  balance roundrobin\n  option httpchk GET /readyz\n");
            foreach (var (name, port, diagPort) in frontend.Servers)
            {
                config.Append(CultureInfo.InvariantCulture, $"  server {name} 127.0.0.1:{port} check port {diagPort} inter 500 fall 2 rise 1\n");
            }

            config.Append('\n');
        }

        var path = Path.Combine(directory, "haproxy.cfg");
        File.WriteAllText(path, config.ToString());
        var info = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[] { "-f", path, "-db" })
        {
            info.ArgumentList.Add(arg);
        }

        return new Haproxy(Process.Start(info)!, path);
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
