using System.Text.Json.Serialization;
using Ferry.Core.Audit;

namespace Ferry.Core.Api;

/// <summary>
/// GET /v1/events: one page of audit events (newest first) and the cursor that continues the same search. next_cursor
/// is always present, null on the last page, so a script can loop until it is null.
/// </summary>
public sealed record AuditEventsResponse
{
    public required IReadOnlyList<AuditEvent> Events { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? NextCursor { get; init; }
}

/// <summary>
/// The filters of GET /v1/events, as clients send them in its query string (each list repeats its parameter: any of
/// the values matches). Services match whatever their case, operations exactly (<see cref="AwsAuditFilters"/>).
/// </summary>
public sealed record AuditEventsFilter
{
    public DateTimeOffset? Since { get; init; }

    public IReadOnlyList<string> Types { get; init; } = [];

    public string? User { get; init; }

    public IReadOnlyList<string> Services { get; init; } = [];

    public IReadOnlyList<string> Operations { get; init; } = [];
}
