using System.Diagnostics;
using System.Text;

namespace Ferry.Web.Tests.Sso;

/// <summary>
/// `tsh login --auth=NAME --browser=none` as a user runs it: started in its own home, the URL it prints read from its
/// stderr as it appears, and its exit awaited (with deadlines) once a browser has finished at the identity provider.
/// </summary>
internal sealed class TshBrowserLogin : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private TshBrowserLogin(Process process)
    {
        _process = process;
    }

    public static TshBrowserLogin Start(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = new ProcessStartInfo(Binaries.Tsh) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }

        var process = new Process { StartInfo = info };
        var login = new TshBrowserLogin(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (login._stdout) { login._stdout.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            lock (login._stderr)
            {
                login._stderr.AppendLine(e.Data);
            }

            if (e.Data.TrimStart().StartsWith("http", StringComparison.Ordinal))
            {
                login._url.TrySetResult(e.Data.Trim());
            }
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        process.StandardInput.Close();
        return login;
    }

    public string Stdout { get { lock (_stdout) { return _stdout.ToString(); } } }

    public string Stderr { get { lock (_stderr) { return _stderr.ToString(); } } }

    /// <summary>The identity provider's URL tsh printed.</summary>
    public async Task<string> UrlAsync()
    {
        var printed = await Task.WhenAny(_url.Task, _process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(30)));
        return printed == _url.Task ? await _url.Task : throw new Xunit.Sdk.XunitException("tsh printed no URL\nstdout:\n" + Stdout + "\nstderr:\n" + Stderr);
    }

    /// <summary>tsh's exit code once it has printed its last line (it waits up to 3 min for the browser; a test waits 60 s).</summary>
    public async Task<int> ExitCodeAsync()
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException("tsh login did not exit within 60 s\nstdout:\n" + Stdout + "\nstderr:\n" + Stderr);
        }

        return _process.ExitCode;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
