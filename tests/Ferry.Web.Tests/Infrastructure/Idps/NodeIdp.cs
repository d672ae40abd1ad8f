using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Ferry.Web.Tests.Infrastructure.Idps;

/// <summary>
/// One of the Node identity providers in <c>tests/Ferry.Web.Tests/Sso/Idp</c> (docs/testing.md §6) as a child process:
/// <c>node SCRIPT DIR/config.json</c> on a free 127.0.0.1 port, started when it prints <c>READY http://127.0.0.1:PORT</c>.
/// The scripts run from the repository checkout, not the build output, so their <c>node_modules</c> (installed by
/// <c>npm ci</c> in scripts/test.sh) is found beside them.
/// </summary>
internal sealed class NodeIdp : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    // The config keys the scripts read are snake_case (client_id, redirect_uris, aws_role_arns).
    private static readonly JsonSerializerOptions ConfigJson = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    // The variables docs/testing.md §4.2 and §4.3 say to remove: the IdP needs no CA bundle, proxy or extra Node flags.
    private static readonly string[] Scrubbed =
    [
        "NODE_OPTIONS", "NODE_EXTRA_CA_CERTS", "SSL_CERT_FILE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "no_proxy",
    ];

    private readonly Process _process;
    private readonly StringBuilder _output;

    private NodeIdp(Process process, StringBuilder output, string baseUrl, string directory)
    {
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
        Directory = directory;
    }

    /// <summary>The folder holding the scripts, package.json and node_modules.</summary>
    public static string ScriptDirectory => Path.Combine(Binaries.RepositoryRoot, "tests", "Ferry.Web.Tests", "Sso", "Idp");

    /// <summary>http://127.0.0.1:PORT, as the READY line named it (no trailing slash).</summary>
    public string BaseUrl { get; }

    /// <summary>A fresh temporary folder holding config.json and whatever the script writes beside it (the SAML key and certificate).</summary>
    public string Directory { get; }

    /// <summary>Everything the process printed so far, stdout and stderr interleaved, for failure messages.</summary>
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

    /// <summary>Starts <paramref name="script"/> with the config <paramref name="config"/> builds for a port.</summary>
    public static async Task<NodeIdp> StartAsync(string script, Func<int, object> config)
    {
        EnsureInstalled();
        var directory = System.IO.Directory.CreateTempSubdirectory("ferry-idp-").FullName;
        // FreePort hands out a port that another process may take before node binds it; that shows as EADDRINUSE, so try again.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnceAsync(script, config(FreePort.Next()), directory);
            }
            catch (PortTakenException) when (attempt < 3)
            {
            }
            catch
            {
                TryDelete(directory);
                throw;
            }
        }
    }

    private static async Task<NodeIdp> StartOnceAsync(string script, object config, string directory)
    {
        var configPath = Path.Combine(directory, "config.json");
        await File.WriteAllTextAsync(configPath, JsonSerializer.Serialize(config, ConfigJson));
        var info = new ProcessStartInfo("node")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = ScriptDirectory,
        };
        info.ArgumentList.Add(Path.Combine(ScriptDirectory, script));
        info.ArgumentList.Add(configPath);
        foreach (var name in Scrubbed)
        {
            info.Environment.Remove(name);
        }

        Process process;
        try
        {
            process = Process.Start(info) ?? throw new InvalidOperationException("cannot start node");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException("node is not on PATH: the SSO tests need Node 20+. Install it with: apt-get install -y nodejs npm", e);
        }

        var output = new StringBuilder();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        process.OutputDataReceived += (_, e) =>
        {
            Append(output, e.Data);
            if (e.Data?.StartsWith("READY ", StringComparison.Ordinal) == true)
            {
                ready.TrySetResult(e.Data["READY ".Length..].Trim());
            }
        };
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = new CancellationTokenSource(StartTimeout);
        var exited = process.WaitForExitAsync(deadline.Token);
        try
        {
            if (await Task.WhenAny(ready.Task, exited) == ready.Task)
            {
                return new NodeIdp(process, output, ready.Task.Result.TrimEnd('/'), directory);
            }

            await exited; // throws when the deadline passed
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw new TimeoutException($"node {script} printed no READY line within {StartTimeout.TotalSeconds:0} s:\n{Snapshot(output)}");
        }

        var text = Snapshot(output);
        process.Dispose();
        if (text.Contains("EADDRINUSE", StringComparison.Ordinal))
        {
            throw new PortTakenException($"node {script} found its port taken:\n{text}");
        }

        throw new InvalidOperationException($"node {script} exited before it was ready:\n{text}");
    }

    private static void EnsureInstalled()
    {
        // package.json names what `npm ci` installs; a missing one means the install step did not run here.
        using var package = JsonDocument.Parse(File.ReadAllText(Path.Combine(ScriptDirectory, "package.json")));
        var missing = package.RootElement.GetProperty("dependencies").EnumerateObject()
            .Select(d => d.Name)
            .Where(name => !File.Exists(Path.Combine(ScriptDirectory, "node_modules", name, "package.json")))
            .ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"the test IdPs' npm packages are not installed ({string.Join(", ", missing)} missing): run " +
                "npm ci --prefix tests/Ferry.Web.Tests/Sso/Idp (scripts/test.sh does it)");
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private static void TryDelete(string directory)
    {
        try
        {
            System.IO.Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // a leftover temp folder is harmless
        }
    }

    public async ValueTask DisposeAsync()
    {
        Kill(_process);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // SIGKILL was sent; the process is gone even if its pipes linger
        }

        _process.Dispose();
        TryDelete(Directory);
    }

    private sealed class PortTakenException(string message) : Exception(message);
}
