using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>`tsh proxy aws ...` running in the background, with the settings it printed parsed out of its output.</summary>
internal sealed partial class TshProxyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private TshProxyProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

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

    /// <summary>The variables it told the user to set (export K=V lines).</summary>
    public Dictionary<string, string> Settings { get; } = new(StringComparer.Ordinal);

    public static async Task<TshProxyProcess> StartAsync(Dictionary<string, string?> environment, string workingDirectory, params string[] args)
    {
        var info = new ProcessStartInfo(Binaries.Tsh) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = workingDirectory };
        info.ArgumentList.Add("proxy");
        info.ArgumentList.Add("aws");
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(key);
            }
            else
            {
                info.Environment[key] = value;
            }
        }

        var proxy = new TshProxyProcess(Process.Start(info)!);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        // The settings block ends with an empty line after the last variable (AWS_CA_BUNDLE, then HTTPS_PROXY in
        // HTTPS-proxy mode).
        while (!SettingsPrinted(proxy.Output))
        {
            if (proxy._process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new Xunit.Sdk.XunitException("tsh proxy aws did not start:\n" + proxy.Output);
            }

            await Task.Delay(50);
        }

        foreach (Match match in ExportLine().Matches(proxy.Output))
        {
            proxy.Settings[match.Groups["name"].Value] = match.Groups["value"].Value.Trim();
        }

        return proxy;
    }

    public bool HasExited => _process.HasExited;

    private static bool SettingsPrinted(string output)
    {
        var bundle = output.IndexOf("AWS_CA_BUNDLE", StringComparison.Ordinal);
        return bundle >= 0 && output.IndexOf("\n\n", bundle, StringComparison.Ordinal) > 0;
    }

    public async Task<int> StopAsync()
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!;
            await kill.WaitForExitAsync();
        }

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _process.WaitForExitAsync(cts.Token);
        return _process.ExitCode;
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

    [GeneratedRegex(@"^\s*export (?<name>[A-Z_a-z]+)=(?<value>.*)$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
