using Ferry.Core.Errors;

namespace Ferry.Storage.Audit;

/// <summary>
/// The audit log's own storage: an append-only table of events, searched with its filters, order and limit applied
/// in storage and paged with an opaque keyset cursor, so no search reads more than one page. Kept apart from
/// <see cref="IBackend"/>: the log only grows, is read by time window, and must not hold up the backend's writers.
/// Every implementation must pass the compliance suite in tests/Ferry.Storage.Tests/Compliance.
///
/// Failures are <see cref="FerryException"/>s: <see cref="ErrorKind.BadParameter"/> for a query or record out of
/// bounds (including a cursor this store did not give out), <see cref="ErrorKind.AlreadyExists"/>,
/// <see cref="ErrorKind.Unavailable"/>.
/// </summary>
public interface IAuditStore : IAsyncDisposable
{
    /// <summary>
    /// Stores every record in one transaction: all land or none do. A record whose (Time, Id) is already stored, or
    /// appears twice in the batch, fails the whole batch with AlreadyExists. An empty batch does nothing.
    /// </summary>
    ValueTask AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken);

    /// <summary>
    /// At most <see cref="AuditQuery.Limit"/> records matching every filter of <paramref name="query"/>, ordered by
    /// (Time, Id) in <see cref="AuditQuery.Order"/>, starting after <see cref="AuditQuery.Cursor"/>. The result's
    /// NextCursor is null exactly when no further record matches.
    /// </summary>
    ValueTask<AuditSearchResult> SearchAsync(AuditQuery query, CancellationToken cancellationToken);
}
