using Ferry.Core.Errors;

namespace Ferry.Storage;

/// <summary>
/// The one storage contract under every typed service (users, roles, tokens, app servers, audit).
/// Keys are '/'-separated strings ordered byte-wise; values are opaque bytes (JSON by convention).
/// Every implementation must pass the compliance suite in tests/Ferry.Storage.Tests.
///
/// Failures are <see cref="FerryException"/>s: <see cref="ErrorKind.NotFound"/>, <see cref="ErrorKind.AlreadyExists"/>,
/// <see cref="ErrorKind.CompareFailed"/>, <see cref="ErrorKind.Unavailable"/>.
/// Expired items behave as if absent for every operation.
/// </summary>
public interface IBackend : IAsyncDisposable
{
    /// <summary>The item, or null when absent or expired.</summary>
    ValueTask<Item?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Inserts only when the key is absent; otherwise AlreadyExists. Returns the item with its new revision.</summary>
    ValueTask<Item> CreateAsync(Item item, CancellationToken cancellationToken);

    /// <summary>Inserts or replaces. Returns the item with its new revision.</summary>
    ValueTask<Item> PutAsync(Item item, CancellationToken cancellationToken);

    /// <summary>Replaces only when the key exists; otherwise NotFound.</summary>
    ValueTask<Item> UpdateAsync(Item item, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces <paramref name="expected"/> with <paramref name="replacement"/> (same key) only when the stored value
    /// equals expected.Value byte for byte; otherwise CompareFailed (NotFound when absent).
    /// </summary>
    ValueTask<Item> CompareAndSwapAsync(Item expected, Item replacement, CancellationToken cancellationToken);

    /// <summary>Removes the key; NotFound when absent.</summary>
    ValueTask DeleteAsync(string key, CancellationToken cancellationToken);

    /// <summary>
    /// Items with startKey &lt;= key &lt; endKey in key order, at most <paramref name="limit"/> (0 = no limit).
    /// Use <see cref="KeyRange.Prefix"/> to read everything under a prefix.
    /// </summary>
    ValueTask<IReadOnlyList<Item>> GetRangeAsync(string startKey, string endKey, int limit, CancellationToken cancellationToken);

    /// <summary>Removes every item with startKey &lt;= key &lt; endKey.</summary>
    ValueTask DeleteRangeAsync(string startKey, string endKey, CancellationToken cancellationToken);

    /// <summary>
    /// Checks every condition and applies every action in one transaction: all land or none do.
    /// A failed condition gives CompareFailed naming the key. Returns the revision given to the written items.
    /// </summary>
    ValueTask<long> AtomicWriteAsync(IReadOnlyList<Condition> conditions, IReadOnlyList<WriteAction> actions, CancellationToken cancellationToken);

    /// <summary>
    /// A change feed for keys starting with any of <paramref name="prefixes"/> (empty = all keys).
    /// The first event is always <see cref="BackendEventType.Init"/>; after it every later put and delete
    /// (including deletions by expiry) is delivered in revision order. A consumer that falls too far behind
    /// sees the enumeration end with an Unavailable error and must re-read and watch again.
    /// </summary>
    IAsyncEnumerable<BackendEvent> WatchAsync(IReadOnlyCollection<string> prefixes, CancellationToken cancellationToken);
}
