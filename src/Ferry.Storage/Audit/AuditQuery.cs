namespace Ferry.Storage.Audit;

/// <summary>
/// What to search for. Every filter is a column with an index, applied in storage; a null or empty filter matches
/// everything. New filters are new init-only properties here, with their checks in <see cref="AuditArguments"/> and
/// their condition in <see cref="AuditSql"/>, so every implementation picks them up in the same way.
/// </summary>
public sealed record AuditQuery
{
    public const int DefaultLimit = 100;

    /// <summary>The largest page: a bound on what one search holds in memory, on the server and in the answer.</summary>
    public const int MaxLimit = 1000;

    /// <summary>More types than any event vocabulary has; a bound on the statement's size.</summary>
    public const int MaxTypes = 64;

    /// <summary>The most services or operations one search names, for the same reason as <see cref="MaxTypes"/>.</summary>
    public const int MaxValues = 64;

    /// <summary>Only records with Time &gt;= From.</summary>
    public DateTimeOffset? From { get; init; }

    /// <summary>Only records with Time &lt; To.</summary>
    public DateTimeOffset? To { get; init; }

    /// <summary>Only records of any of these types (empty: every type).</summary>
    public IReadOnlyList<string> Types { get; init; } = [];

    /// <summary>Only records whose User is exactly this.</summary>
    public string? User { get; init; }

    /// <summary>Only records whose Service is exactly one of these (empty: any service, or none).</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>Only records whose Operation is exactly one of these (empty: any operation, or none).</summary>
    public IReadOnlyList<string> Operations { get; init; } = [];

    /// <summary>The page size, 1 to <see cref="MaxLimit"/>.</summary>
    public int Limit { get; init; } = DefaultLimit;

    /// <summary>Where to continue: the NextCursor of the previous page of this search, or null to start.</summary>
    public string? Cursor { get; init; }

    public AuditOrder Order { get; init; } = AuditOrder.Descending;
}
