using System.Diagnostics;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>
/// Runs the machine's python3 (the pyenv one with botocore and moto) with an explicit environment:
/// the machine presets AWS_CA_BUNDLE, proxies and the like (docs/testing.md §4.2), so children never inherit them.
/// </summary>
internal static class PythonRunner
{
    public static string Python => Environment.GetEnvironmentVariable("FERRY_TEST_PYTHON") ?? "python3";

    /// <summary>A child environment without AWS_*, proxy and CA variables, plus <paramref name="extra"/>.</summary>
    public static void ApplyCleanEnvironment(ProcessStartInfo psi, IReadOnlyDictionary<string, string>? extra = null)
    {
        foreach (var name in psi.Environment.Keys.ToList())
        {
            var upper = name.ToUpperInvariant();
            if (upper.StartsWith("AWS_", StringComparison.Ordinal) || upper.EndsWith("_PROXY", StringComparison.Ordinal)
                || upper.Contains("CA_BUNDLE", StringComparison.Ordinal) || upper.StartsWith("SSL_CERT", StringComparison.Ordinal))
            {
                psi.Environment.Remove(name);
            }
        }

        psi.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        psi.Environment["PYTHONDONTWRITEBYTECODE"] = "1";
        if (extra is not null)
        {
            foreach (var (k, v) in extra)
            {
                psi.Environment[k] = v;
            }
        }
    }

    public static async Task<string> RunScriptAsync(string scriptFile, string arguments, string stdin, CancellationToken ct = default)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", scriptFile);
        var psi = new ProcessStartInfo(Python, $"\"{script}\" {arguments}")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        ApplyCleanEnvironment(psi);
        Process process;
        try
        {
            process = Process.Start(psi) ?? throw new InvalidOperationException("python3 did not start");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                $"'{Python}' is required for the botocore cross-checks (pyenv python 3.11 with botocore); it could not be started: {e.Message}", e);
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(ct);
            var stderr = process.StandardError.ReadToEndAsync(ct);
            await process.StandardInput.WriteAsync(stdin.AsMemory(), ct);
            process.StandardInput.Close();
            await process.WaitForExitAsync(ct);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"{Python} {scriptFile} {arguments} failed with exit code {process.ExitCode} (is botocore installed for {Python}?):\n{await stderr}");
            }

            return await stdout;
        }
    }
}
