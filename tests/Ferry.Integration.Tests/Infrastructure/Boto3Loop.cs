using System.Diagnostics;
using System.Text.Json;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// One boto3 client calling DynamoDB ListTables back to back over its keep-alive connection (no retries), one JSON
/// line per call: a steady stream of real AWS requests to watch a lock, a revocation or a failover land in.
/// </summary>
internal sealed class Boto3Loop : IAsyncDisposable
{
    private const string Script = """
        import boto3, json, os, sys, time
        from botocore.config import Config
        stop = sys.argv[1]
        endpoint = os.environ.get('LOOP_ENDPOINT') or None
        client = boto3.client('dynamodb', endpoint_url=endpoint, config=Config(retries={'total_max_attempts': 1}))
        while not os.path.exists(stop):
            started = time.time()
            try:
                client.list_tables()
                print(json.dumps({'t': started, 'ok': True}), flush=True)
            except Exception as e:
                print(json.dumps({'t': started, 'ok': False, 'error': str(e)}), flush=True)
            time.sleep(0.02)
        """;

    private readonly Process _process;
    private readonly string _stopFile;
    private readonly List<Call> _calls = [];
    private readonly System.Text.StringBuilder _stderr = new();

    private Boto3Loop(Process process, string stopFile)
    {
        _process = process;
        _stopFile = stopFile;
        process.OutputDataReceived += (_, e) => Add(e.Data);
        process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public sealed record Call(DateTimeOffset Started, bool Ok, string? Error);

    public IReadOnlyList<Call> Calls
    {
        get
        {
            lock (_calls)
            {
                return [.. _calls];
            }
        }
    }

    /// <param name="environment">The client's shell after tsh proxy aws's export lines.</param>
    /// <param name="endpoint">Endpoint-URL mode: https://localhost:PORT; null for HTTPS_PROXY mode.</param>
    public static Boto3Loop Start(Dictionary<string, string?> environment, string? endpoint, string directory)
    {
        var stopFile = Path.Combine(directory, "stop-" + Guid.NewGuid().ToString("N")[..8]);
        var info = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(Script);
        info.ArgumentList.Add(stopFile);
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

        info.Environment["LOOP_ENDPOINT"] = endpoint ?? "";
        return new Boto3Loop(Process.Start(info)!, stopFile);
    }

    /// <summary>Waits until a call started after <paramref name="since"/> matches, failing with the calls seen so far.</summary>
    public async Task<Call> WaitForAsync(DateTimeOffset since, Func<Call, bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (DateTime.UtcNow < deadline)
        {
            if (Calls.FirstOrDefault(c => c.Started >= since && condition(c)) is { } call)
            {
                return call;
            }

            if (_process.HasExited)
            {
                break;
            }

            await Task.Delay(20);
        }

        throw new Xunit.Sdk.XunitException($"timed out waiting for {what}; calls since {since:O}:\n" +
            string.Join("\n", Calls.Where(c => c.Started >= since).Take(20)) + "\nstderr:\n" + _stderr);
    }

    private void Add(string? line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return;
        }

        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var call = new Call(
            DateTimeOffset.FromUnixTimeMilliseconds((long)(root.GetProperty("t").GetDouble() * 1000)),
            root.GetProperty("ok").GetBoolean(),
            root.TryGetProperty("error", out var error) ? error.GetString() : null);
        lock (_calls)
        {
            _calls.Add(call);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await File.WriteAllTextAsync(_stopFile, "stop");
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
        File.Delete(_stopFile);
    }
}
