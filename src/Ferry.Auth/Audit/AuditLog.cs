using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Audit;
using Ferry.Storage;

namespace Ferry.Auth.Audit;

/// <summary>
/// Stores audit events through the backend under /audit/&lt;time&gt;/&lt;id&gt;, so a time range is a key range and
/// listing "the last hour" reads only that hour.
/// </summary>
public sealed class AuditLog
{
    private const string Prefix = "/audit/";
    private readonly IBackend _backend;
    private readonly TimeProvider _time;
    private readonly string _clusterName;

    public AuditLog(IBackend backend, TimeProvider time, string clusterName)
    {
        _backend = backend;
        _time = time;
        _clusterName = clusterName;
    }

    /// <summary>Builds an event with id, time, code and cluster filled in.</summary>
    public AuditEvent NewEvent(string type, string? actor, bool success = true, string? error = null) => new()
    {
        Type = type,
        Code = EventTypes.Code(type, success),
        Time = _time.GetUtcNow(),
        Id = Guid.NewGuid().ToString(),
        ClusterName = _clusterName,
        User = actor,
        Success = success,
        Error = error,
    };

    public async ValueTask EmitAsync(AuditEvent auditEvent, CancellationToken cancellationToken) =>
        await _backend.PutAsync(ToItem(auditEvent), cancellationToken);

    /// <summary>
    /// Agents' per-request events as they arrive (a JSON array): each is stamped with the reporting host and stored as
    /// received, so a busy agent's audit costs one parse and one write per event instead of an object round trip.
    /// </summary>
    public async ValueTask EmitReportedAsync(JsonArray events, string serverId, CancellationToken cancellationToken)
    {
        var items = new Dictionary<string, Item>(events.Count, StringComparer.Ordinal);
        foreach (var node in events)
        {
            if (node is not JsonObject auditEvent
                || auditEvent["event"]?.GetValueKind() != JsonValueKind.String
                || auditEvent["time"]?.GetValueKind() != JsonValueKind.String
                || !DateTimeOffset.TryParse(auditEvent["time"]!.GetValue<string>(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                throw Ferry.Core.Errors.FerryException.BadParameter("each audit event needs an \"event\" type and an RFC 3339 \"time\"");
            }

            var id = auditEvent["uid"]?.GetValueKind() == JsonValueKind.String ? auditEvent["uid"]!.GetValue<string>() : Guid.NewGuid().ToString();
            auditEvent["uid"] = id;
            auditEvent["server_id"] = serverId;
            auditEvent["cluster_name"] ??= _clusterName;
            if (auditEvent["code"] is null)
            {
                var success = auditEvent["success"]?.GetValueKind() != JsonValueKind.False;
                auditEvent["code"] = EventTypes.Code(auditEvent["event"]!.GetValue<string>(), success);
            }

            var key = Prefix + TimeKey(time) + "/" + id;
            items[key] = Item.Create(key, JsonSerializer.SerializeToUtf8Bytes(auditEvent));
        }

        if (items.Count > 0)
        {
            await _backend.AtomicWriteAsync([], items.Values.Select(i => (WriteAction)new WriteAction.Put(i)).ToList(), cancellationToken);
        }
    }

    private Item ToItem(AuditEvent auditEvent)
    {
        var stamped = auditEvent with
        {
            Id = string.IsNullOrEmpty(auditEvent.Id) ? Guid.NewGuid().ToString() : auditEvent.Id,
            ClusterName = auditEvent.ClusterName ?? _clusterName,
            Code = string.IsNullOrEmpty(auditEvent.Code) ? EventTypes.Code(auditEvent.Type, auditEvent.Success) : auditEvent.Code,
        };
        return Item.Create(Prefix + TimeKey(stamped.Time) + "/" + stamped.Id, JsonSerializer.SerializeToUtf8Bytes(stamped));
    }

    /// <summary>Events from <paramref name="query"/>.Since on, newest first, filtered, at most Limit.</summary>
    public async ValueTask<IReadOnlyList<AuditEvent>> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var start = Prefix + TimeKey(query.Since ?? DateTimeOffset.UnixEpoch);
        var end = query.Until is { } until ? Prefix + TimeKey(until) : KeyRange.RangeEnd(Prefix);
        var items = await _backend.GetRangeAsync(start, end, 0, cancellationToken);
        var result = new List<AuditEvent>();
        for (var i = items.Count - 1; i >= 0 && result.Count < query.Limit; i--)
        {
            var auditEvent = JsonSerializer.Deserialize<AuditEvent>(items[i].Value.Span);
            if (auditEvent is null)
            {
                continue;
            }

            if (query.Types.Count > 0 && !query.Types.Contains(auditEvent.Type, StringComparer.Ordinal))
            {
                continue;
            }

            if (query.User is not null && !string.Equals(auditEvent.User, query.User, StringComparison.Ordinal))
            {
                continue;
            }

            result.Add(auditEvent);
        }

        return result;
    }

    private static string TimeKey(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
}

public sealed record AuditQuery
{
    public DateTimeOffset? Since { get; init; }
    public DateTimeOffset? Until { get; init; }
    public IReadOnlyList<string> Types { get; init; } = [];
    public string? User { get; init; }
    public int Limit { get; init; } = 500;
}
