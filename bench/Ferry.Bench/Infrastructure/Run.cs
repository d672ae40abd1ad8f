using System.Diagnostics;

namespace Ferry.Bench.Infrastructure;

/// <summary>Runs a command to completion with a given environment and stdin; the elapsed time spans start to exit.</summary>
internal static class Run
{
    public static async Task<ProcessResult> CommandAsync(
        string fileName,
        IEnumerable<string> args,
        IReadOnlyDictionary<string, string?> environment,
        CancellationToken cancellationToken,
        string? stdin = null,
        string? workingDirectory = null,
        TimeSpan? timeout = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        ChildEnvironment.ApplyTo(environment, info);
        var started = Stopwatch.GetTimestamp();
        using var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + fileName);
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            if (cancellationToken.IsCancellationRequested)
            {
                throw;
            }

            throw new TimeoutException($"{fileName} {string.Join(' ', info.ArgumentList)} did not finish in time\n{await stdout}\n{await stderr}");
        }

        var elapsed = Stopwatch.GetElapsedTime(started);
        return new ProcessResult(process.ExitCode, await stdout, await stderr, elapsed);
    }
}
