using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Storage.Audit;

namespace Ferry.Auth.Audit;

/// <summary>
/// The audit log on its own store (<see cref="IAuditStore"/>): auth's own events, the events agents and proxies
/// report, and paged searches whose filters and limit run in storage. An event's aws_service and aws_operation fields
/// (when strings) are also stored as columns, so searches filter on them (<see cref="AwsAuditFilters"/>). Every stored event deserialises as an
/// <see cref="AuditEvent"/>: reported ones are checked for that before anything is stored.
/// </summary>
public sealed class AuditLog
{
    /// <summary>
    /// Agents send at most 100 events a batch (AuditBatcher) and proxies one; ten times that leaves room for a
    /// component catching up and bounds the work one call can ask of auth (the 1 MiB body cap bounds it too).
    /// </summary>
    public const int MaxReportedBatch = 1000;

    /// <summary>
    /// An AWS request's event is about a kilobyte; the largest real ones carry a long path and query (Kestrel caps a
    /// request line at 8 KiB) and a list of table names. 64 KiB is ample for those and keeps one event from being a
    /// dump of arbitrary data into the log.
    /// </summary>
    public const int MaxReportedEventBytes = 64 * 1024;

    private readonly IAuditStore _store;
    private readonly TimeProvider _time;
    private readonly string _clusterName;

    public AuditLog(IAuditStore store, TimeProvider time, string clusterName)
    {
        _store = store;
        _time = time;
        _clusterName = clusterName;
    }

    /// <summary>Builds an event with id, time, code and cluster filled in.</summary>
    /// <summary>Set in an exception's Data once its outcome is in the audit log, so a caller up the stack does not log it twice.</summary>
    public const string AuditedKey = "ferry.audited";

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

    /// <summary>Stores one of auth's own events; a missing id, cluster name or code is filled in.</summary>
    public async ValueTask EmitAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        var stamped = auditEvent with
        {
            Id = string.IsNullOrEmpty(auditEvent.Id) ? Guid.NewGuid().ToString() : auditEvent.Id,
            ClusterName = auditEvent.ClusterName ?? _clusterName,
            Code = string.IsNullOrEmpty(auditEvent.Code) ? EventTypes.Code(auditEvent.Type, auditEvent.Success) : auditEvent.Code,
        };
        await _store.AppendAsync(
            [
                new AuditRecord
                {
                    Time = stamped.Time, Id = stamped.Id, Type = stamped.Type, User = stamped.User, Success = stamped.Success,
                    Service = AwsAuditFilters.StoredService(stamped.GetField("aws_service")),
                    Operation = AwsAuditFilters.StoredOperation(stamped.GetField("aws_operation")),
                    Json = JsonSerializer.SerializeToUtf8Bytes(stamped),
                },
            ],
            cancellationToken);
    }

    /// <summary>
    /// Events an agent or proxy reports (a JSON array), stored as one atomic batch. Only what the reporter cannot be
    /// trusted with is rewritten, so a busy agent's audit costs one parse and one write per event:
    /// time and uid are auth's (the reporter's parsable "time" is kept as reported_time), server_id is the reporter's
    /// host id, cluster_name is this cluster's, and code follows from event and success. A batch with a type the
    /// reporter's system role may not report (<see cref="ReportedEventTypes"/>), a malformed event or one over the
    /// size caps is refused whole.
    /// </summary>
    public async ValueTask EmitReportedAsync(
        JsonArray events, string serverId, IReadOnlyCollection<string> systemRoles, CancellationToken cancellationToken)
    {
        if (events.Count > MaxReportedBatch)
        {
            throw FerryException.LimitExceeded($"an audit batch holds at most {MaxReportedBatch} events, not {events.Count}; send smaller batches");
        }

        var records = new List<AuditRecord>(events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is not JsonObject auditEvent || StringField(auditEvent, "event", i) is not { Length: > 0 } type)
            {
                throw FerryException.BadParameter($"audit event {i} of the batch needs an \"event\" type; nothing of this batch was stored");
            }

            ReportedEventTypes.Check(systemRoles, type);
            var user = StringField(auditEvent, "user", i);
            StringField(auditEvent, "error", i);
            var success = auditEvent["success"] switch
            {
                null => true,
                JsonValue value when value.GetValueKind() is JsonValueKind.True or JsonValueKind.False => value.GetValue<bool>(),
                _ => throw FerryException.BadParameter($"audit event {i} of the batch has a \"success\" that is not true or false; nothing of this batch was stored"),
            };

            var now = _time.GetUtcNow();
            var id = Guid.NewGuid().ToString();
            if (StringField(auditEvent, "time", i, strict: false) is { } claimed
                && DateTimeOffset.TryParse(claimed, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var reported))
            {
                auditEvent["reported_time"] = reported.ToUniversalTime();
            }
            else
            {
                auditEvent.Remove("reported_time");
            }

            auditEvent["time"] = now;
            auditEvent["uid"] = id;
            auditEvent["server_id"] = serverId;
            auditEvent["cluster_name"] = _clusterName;
            auditEvent["success"] = success;
            auditEvent["code"] = EventTypes.Code(type, success);
            var json = JsonSerializer.SerializeToUtf8Bytes(auditEvent);
            if (json.Length > MaxReportedEventBytes)
            {
                throw FerryException.LimitExceeded(
                    $"audit event {i} of the batch ({type}) is {json.Length} bytes, over the {MaxReportedEventBytes}-byte cap; nothing of this batch was stored");
            }

            records.Add(new AuditRecord
            {
                Time = now, Id = id, Type = type, User = user, Success = success, Json = json,
                Service = AwsAuditFilters.StoredService(StringField(auditEvent, "aws_service", i, strict: false)),
                Operation = AwsAuditFilters.StoredOperation(StringField(auditEvent, "aws_operation", i, strict: false)),
            });
        }

        await _store.AppendAsync(records, cancellationToken);
    }

    /// <summary>One page of events matching <paramref name="query"/>, and the cursor of the next page (null: no more).</summary>
    public async ValueTask<AuditEventsResponse> SearchAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var page = await _store.SearchAsync(query, cancellationToken);
        var events = new List<AuditEvent>(page.Records.Count);
        foreach (var record in page.Records)
        {
            events.Add(JsonSerializer.Deserialize<AuditEvent>(record.Json.Span)
                ?? throw new InvalidOperationException($"audit event {record.Id} is stored as JSON null"));
        }

        return new AuditEventsResponse { Events = events, NextCursor = page.NextCursor };
    }

    /// <summary>A string field, or null when absent; when <paramref name="strict"/> (the typed fields of <see cref="AuditEvent"/>) anything else is refused.</summary>
    private static string? StringField(JsonObject auditEvent, string name, int index, bool strict = true) => auditEvent[name] switch
    {
        null => null,
        JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
        _ when !strict => null,
        _ => throw FerryException.BadParameter($"audit event {index} of the batch has a \"{name}\" that is not a string; nothing of this batch was stored"),
    };
}
