using System.Diagnostics;

namespace Ferry.LocalProxy.Tests.Infrastructure;

/// <summary>
/// Runs an AWS client as tsh would: the machine's environment minus every preset AWS, proxy and CA variable
/// (this machine presets AWS_CA_BUNDLE, SSL_CERT_FILE, REQUESTS_CA_BUNDLE...: docs/testing.md §4.2), plus the
/// variables given, which come from <see cref="AwsLocalProxy.GetEnvironment"/>.
/// </summary>
internal static class ChildProcess
{
    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    public static async Task<Result> RunAsync(string fileName, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan? timeout = null)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach (var name in psi.Environment.Keys.ToList())
        {
            var upper = name.ToUpperInvariant();
            if (upper.StartsWith("AWS_", StringComparison.Ordinal) || upper.EndsWith("_PROXY", StringComparison.Ordinal)
                || upper.Contains("CA_BUNDLE", StringComparison.Ordinal) || upper.StartsWith("SSL_CERT", StringComparison.Ordinal)
                || upper.Contains("CA_CERT", StringComparison.Ordinal))
            {
                psi.Environment.Remove(name);
            }
        }

        // No profile, no instance metadata, no pager, one attempt: a failure shows at once.
        psi.Environment["AWS_CONFIG_FILE"] = "/nonexistent/ferry-test-config";
        psi.Environment["AWS_SHARED_CREDENTIALS_FILE"] = "/nonexistent/ferry-test-credentials";
        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["AWS_PAGER"] = string.Empty;
        psi.Environment["AWS_MAX_ATTEMPTS"] = "1";
        psi.Environment["AWS_RETRY_MODE"] = "standard";
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        foreach (var (k, v) in environment)
        {
            psi.Environment[k] = v;
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"{fileName} did not start");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(90));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', arguments)} did not finish in time:\n{await stderr}");
        }

        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The first existing path among the candidates, or the bare name to be found on PATH.</summary>
    public static string? FindOnPath(string name)
    {
        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
