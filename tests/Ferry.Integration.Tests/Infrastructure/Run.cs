using System.Diagnostics;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>Runs a command to completion with a given environment and stdin, capturing both outputs.</summary>
internal static class Run
{
    public static async Task<ProcessResult> CommandAsync(
        string fileName,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string?>? environment = null,
        string? stdin = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
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

        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(120));
        try
        {
            await process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', args)} did not finish in time\nstdout:\n{await stdout}\nstderr:\n{await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs a bash script verbatim (the guide's command lines), with the Ferry binaries first on PATH.</summary>
    public static Task<ProcessResult> BashAsync(string script, IReadOnlyDictionary<string, string?> environment, string workingDirectory, string? stdin = null)
    {
        var env = new Dictionary<string, string?>(environment)
        {
            ["PATH"] = Binaries.BinDirectory + ":" + Environment.GetEnvironmentVariable("PATH"),
        };
        return CommandAsync("/bin/bash", ["-euo", "pipefail", "-c", script], env, stdin, workingDirectory);
    }
}
