using System.Diagnostics;

namespace Ferry.Bench.Infrastructure;

/// <summary>
/// A long-running child (teleport, tsh proxy aws): its output goes to a log file and can be waited on line by line;
/// disposing it sends SIGTERM, waits, then kills the process tree.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;
    private readonly List<string> _lines = [];
    private readonly object _lock = new();
    private readonly string _name;

    private ChildProcess(string name, Process process, string logPath)
    {
        _name = name;
        _process = process;
        _log = new StreamWriter(logPath, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public static ChildProcess Start(string name, string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string?> environment, string logPath, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        ChildEnvironment.ApplyTo(environment, info);
        var process = Process.Start(info) ?? throw new InvalidOperationException("cannot start " + fileName);
        return new ChildProcess(name, process, logPath);
    }

    public string Output
    {
        get
        {
            lock (_lock)
            {
                return string.Join('\n', _lines);
            }
        }
    }

    /// <summary>Waits for the first output line that <paramref name="match"/> accepts, failing with the output if the child exits first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            lock (_lock)
            {
                foreach (var line in _lines)
                {
                    if (match(line))
                    {
                        return line;
                    }
                }
            }

            ThrowIfExited(what);
            await Task.Delay(20, cancellationToken);
        }

        throw new TimeoutException($"{_name}: timed out waiting for {what}:\n{Output}");
    }

    /// <summary>Polls <paramref name="ready"/> until it holds, failing with the output if the child exits or time runs out.</summary>
    public async Task WaitUntilAsync(Func<Task<bool>> ready, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            ThrowIfExited(what);
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                // not up yet
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"{_name}: timed out waiting for {what}:\n{Output}");
    }

    public void ThrowIfExited(string what)
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{_name} exited with code {_process.ExitCode} before {what}:\n{Output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Signals.Terminate(_process.Id);
                using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync(CancellationToken.None);
                }
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }

        _process.Dispose();
        await _log.DisposeAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_lock)
        {
            _lines.Add(line);
            _log.WriteLine(line);
        }
    }
}
