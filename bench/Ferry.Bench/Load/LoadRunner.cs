using System.Diagnostics;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace Ferry.Bench.Load;

/// <summary>
/// N clients (tasks sharing one SDK client, as an application would), each sending GetItem back to back for a
/// fixed time: throughput is completed requests over the measured time, latency is each call's wall time
/// (SDK marshalling and signing included, the same on every path). One call of <see cref="RunAsync"/> is one slice.
/// </summary>
internal static class LoadRunner
{
    /// <summary>Sends until one GetItem succeeds (the agent's tunnel may still be coming up); fails after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilServingAsync(AmazonDynamoDBClient client, GetItemRequest request, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            try
            {
                var response = await client.GetItemAsync(request, cancellationToken);
                if (response.Item is not { Count: > 0 })
                {
                    throw new InvalidOperationException($"{what}: GetItem returned no item");
                }

                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not InvalidOperationException && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(250, cancellationToken);
            }
            catch (Exception e) when (e is not OperationCanceledException && e is not InvalidOperationException)
            {
                throw new InvalidOperationException($"{what}: GetItem still fails after {timeout.TotalSeconds:0} s: {e.GetType().Name}: {e.Message}", e);
            }
        }
    }

    public static Task<LoadSample> RunAsync(AmazonDynamoDBClient client, GetItemRequest request, int concurrency, TimeSpan duration, CancellationToken cancellationToken) =>
        RunAsync(concurrency, _ => token => new ValueTask(client.GetItemAsync(request, token)), duration, cancellationToken);

    /// <summary>
    /// <paramref name="concurrency"/> workers, worker i calling <c>callOf(i)</c> back to back until the time is up
    /// (the storage suite's backend operations use it too): one slice.
    /// </summary>
    public static async Task<LoadSample> RunAsync(int concurrency, Func<int, Func<CancellationToken, ValueTask>> callOf, TimeSpan duration, CancellationToken cancellationToken)
    {
        var stopAt = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var started = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(i => Task.Run(() => WorkerAsync(callOf(i), stopAt, cancellationToken), cancellationToken)).ToArray();
        var results = await Task.WhenAll(workers);
        var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        var ticks = new List<long>(results.Sum(r => r.Ticks.Count));
        foreach (var result in results)
        {
            ticks.AddRange(result.Ticks);
        }

        return new LoadSample(ticks, results.Sum(r => r.Errors), seconds, results.Select(r => r.FirstError).FirstOrDefault(e => e is not null));
    }

    private static async Task<WorkerResult> WorkerAsync(Func<CancellationToken, ValueTask> call, long stopAt, CancellationToken cancellationToken)
    {
        var ticks = new List<long>(4096);
        long errors = 0;
        string? firstError = null;
        while (Stopwatch.GetTimestamp() < stopAt)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await call(cancellationToken);
                ticks.Add(Stopwatch.GetTimestamp() - start);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                errors++;
                firstError ??= $"{e.GetType().Name}: {e.Message}";
            }
        }

        return new WorkerResult(ticks, errors, firstError);
    }

    private sealed record WorkerResult(List<long> Ticks, long Errors, string? FirstError);
}
