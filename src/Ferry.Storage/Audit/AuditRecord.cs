namespace Ferry.Storage.Audit;

/// <summary>
/// One stored event: the columns searches filter and order on, and the whole event as opaque bytes (JSON by
/// convention), returned unchanged. The writer keeps the columns and the JSON in agreement; storage never parses it
/// (but once: the schema step that added Service and Operation filled them in for the events stored before).
/// (Time, Id) identifies a record and orders the log.
/// </summary>
public sealed record AuditRecord
{
    /// <summary>Stored and compared with its full precision (100 ns ticks).</summary>
    public required DateTimeOffset Time { get; init; }

    public required string Id { get; init; }

    public required string Type { get; init; }

    /// <summary>The actor, or null for events without one.</summary>
    public string? User { get; init; }

    public bool Success { get; init; } = true;

    /// <summary>The AWS service an app request called (s3, dynamodb, ...), or null for events that are not one.</summary>
    public string? Service { get; init; }

    /// <summary>The AWS operation an app request called (PutObject, GetItem, ...), or null when not known.</summary>
    public string? Operation { get; init; }

    public required ReadOnlyMemory<byte> Json { get; init; }
}
