namespace Ferry.Storage.Audit;

/// <summary>One page of a search, and the cursor that continues it (null: nothing more matches).</summary>
public sealed record AuditSearchResult(IReadOnlyList<AuditRecord> Records, string? NextCursor);
