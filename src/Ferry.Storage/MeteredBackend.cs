using System.Diagnostics;
using Ferry.Core.Diagnostics;

namespace Ferry.Storage;

/// <summary>
/// Times every storage operation for /metrics (FerryMetrics.BackendDuration: engine, operation, outcome), around any
/// engine. The change feed is not timed: it is one long-lived stream per watcher.
/// </summary>
public sealed class MeteredBackend(IBackend inner, string engine) : IBackend
{
    public ValueTask<Item?> GetAsync(string key, CancellationToken cancellationToken) => TimeAsync("get", () => inner.GetAsync(key, cancellationToken));

    public ValueTask<Item> CreateAsync(Item item, CancellationToken cancellationToken) => TimeAsync("create", () => inner.CreateAsync(item, cancellationToken));

    public ValueTask<Item> PutAsync(Item item, CancellationToken cancellationToken) => TimeAsync("put", () => inner.PutAsync(item, cancellationToken));

    public ValueTask<Item> UpdateAsync(Item item, CancellationToken cancellationToken) => TimeAsync("update", () => inner.UpdateAsync(item, cancellationToken));

    public ValueTask<Item> CompareAndSwapAsync(Item expected, Item replacement, CancellationToken cancellationToken) =>
        TimeAsync("compare_and_swap", () => inner.CompareAndSwapAsync(expected, replacement, cancellationToken));

    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken) =>
        await TimeAsync("delete", async () =>
        {
            await inner.DeleteAsync(key, cancellationToken);
            return true;
        });

    public ValueTask<IReadOnlyList<Item>> GetRangeAsync(string startKey, string endKey, int limit, CancellationToken cancellationToken) =>
        TimeAsync("get_range", () => inner.GetRangeAsync(startKey, endKey, limit, cancellationToken));

    public async ValueTask DeleteRangeAsync(string startKey, string endKey, CancellationToken cancellationToken) =>
        await TimeAsync("delete_range", async () =>
        {
            await inner.DeleteRangeAsync(startKey, endKey, cancellationToken);
            return true;
        });

    public ValueTask<long> AtomicWriteAsync(IReadOnlyList<Condition> conditions, IReadOnlyList<WriteAction> actions, CancellationToken cancellationToken) =>
        TimeAsync("atomic_write", () => inner.AtomicWriteAsync(conditions, actions, cancellationToken));

    public IAsyncEnumerable<BackendEvent> WatchAsync(IReadOnlyCollection<string> prefixes, CancellationToken cancellationToken) =>
        inner.WatchAsync(prefixes, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private async ValueTask<T> TimeAsync<T>(string operation, Func<ValueTask<T>> call)
    {
        var started = Stopwatch.GetTimestamp();
        var outcome = "ok";
        try
        {
            return await call();
        }
        catch (Core.Errors.FerryException e) when (e.Kind is Core.Errors.ErrorKind.NotFound or Core.Errors.ErrorKind.AlreadyExists or Core.Errors.ErrorKind.CompareFailed)
        {
            outcome = "condition";
            throw;
        }
        catch
        {
            outcome = "error";
            throw;
        }
        finally
        {
            FerryMetrics.BackendDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("engine", engine),
                new KeyValuePair<string, object?>("operation", operation),
                new KeyValuePair<string, object?>("outcome", outcome));
        }
    }
}
