using System.Data.Common;
using System.Text;

namespace Ferry.Storage.Audit;

/// <summary>
/// The audit statements every SQL store runs, in SQL that SQLite and PostgreSQL read alike: named @parameters,
/// ON CONFLICT DO NOTHING, LIMIT, and the keyset condition written with OR rather than row values. Each store creates
/// the table in its own dialect with these columns:
/// event_time (64-bit integer: 100 ns ticks since the Unix epoch, UTC, so ordering is integer ordering and lossless),
/// event_id, event_type, user_name (nullable), success (boolean), event_json (bytes), aws_service and aws_operation
/// (nullable text, added in schema version 2); primary key (event_time, event_id).
/// Text columns must compare byte-wise (SQLite's BINARY, PostgreSQL's "C") so ids order alike everywhere.
/// </summary>
internal static class AuditSql
{
    public const string Insert = """
        INSERT INTO audit_events (event_time, event_id, event_type, user_name, success, event_json, aws_service, aws_operation)
        VALUES (@time, @id, @type, @user, @success, @json, @service, @operation)
        ON CONFLICT (event_time, event_id) DO NOTHING;
        """;

    /// <summary>The columns <see cref="Search"/> selects, in this order.</summary>
    public const string Columns = "event_time, event_id, event_type, user_name, success, event_json, aws_service, aws_operation";

    private static readonly long UnixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    public static long ToStoredTime(DateTimeOffset time) => time.UtcTicks - UnixEpochTicks;

    public static DateTimeOffset FromStoredTime(long stored) => new(stored + UnixEpochTicks, TimeSpan.Zero);

    /// <summary>The parameters of <see cref="Insert"/> for one record.</summary>
    public static IReadOnlyList<(string Name, object? Value)> InsertParameters(AuditRecord record) =>
    [
        ("@time", ToStoredTime(record.Time)),
        ("@id", record.Id),
        ("@type", record.Type),
        ("@user", record.User),
        ("@success", record.Success),
        ("@json", record.Json.ToArray()),
        ("@service", record.Service),
        ("@operation", record.Operation),
    ];

    /// <summary>One row of <see cref="Columns"/>; success may be stored as a boolean or as an integer 0/1.</summary>
    public static AuditRecord ReadRecord(DbDataReader reader) => new()
    {
        Time = FromStoredTime(reader.GetInt64(0)),
        Id = reader.GetString(1),
        Type = reader.GetString(2),
        User = reader.IsDBNull(3) ? null : reader.GetString(3),
        Success = reader.GetBoolean(4),
        Json = reader.GetFieldValue<byte[]>(5),
        Service = reader.IsDBNull(6) ? null : reader.GetString(6),
        Operation = reader.IsDBNull(7) ? null : reader.GetString(7),
    };

    /// <summary>
    /// The page of a <see cref="Search"/> that read up to limit + 1 rows: at most <paramref name="limit"/> records, and a
    /// cursor at the last of them when the extra row says more match.
    /// </summary>
    public static AuditSearchResult Page(List<AuditRecord> records, int limit)
    {
        if (records.Count <= limit)
        {
            return new AuditSearchResult(records, null);
        }

        records.RemoveAt(records.Count - 1);
        var last = records[^1];
        return new AuditSearchResult(records, new AuditCursor(ToStoredTime(last.Time), last.Id).Encode());
    }

    /// <summary>
    /// One page of <paramref name="query"/> after <paramref name="after"/>, asking for one row more than the limit: the
    /// extra row says whether a next page exists without a second query.
    /// </summary>
    public static (string Sql, IReadOnlyList<(string Name, object? Value)> Parameters) Search(AuditQuery query, AuditCursor? after)
    {
        var conditions = new List<string>();
        var parameters = new List<(string Name, object? Value)>();
        if (query.From is { } from)
        {
            conditions.Add("event_time >= @from");
            parameters.Add(("@from", ToStoredTime(from)));
        }

        if (query.To is { } to)
        {
            conditions.Add("event_time < @to");
            parameters.Add(("@to", ToStoredTime(to)));
        }

        AnyOf("event_type", "@type", query.Types, conditions, parameters);
        AnyOf("aws_service", "@service", query.Services, conditions, parameters);
        AnyOf("aws_operation", "@operation", query.Operations, conditions, parameters);

        if (query.User is { } user)
        {
            conditions.Add("user_name = @user");
            parameters.Add(("@user", user));
        }

        var descending = query.Order == AuditOrder.Descending;
        if (after is { } position)
        {
            // The first comparison bounds the index range; the second breaks ties between events of the same time.
            var (bound, strict) = descending ? ("<=", "<") : (">=", ">");
            conditions.Add($"event_time {bound} @after_time AND (event_time {strict} @after_time OR event_id {strict} @after_id)");
            parameters.Add(("@after_time", position.Time));
            parameters.Add(("@after_id", position.Id));
        }

        var direction = descending ? "DESC" : "ASC";
        var sql = new StringBuilder($"SELECT {Columns} FROM audit_events");
        if (conditions.Count > 0)
        {
            sql.Append(" WHERE ").AppendJoin(" AND ", conditions.Select(c => "(" + c + ")"));
        }

        sql.Append($" ORDER BY event_time {direction}, event_id {direction} LIMIT @limit;");
        parameters.Add(("@limit", query.Limit + 1));
        return (sql.ToString(), parameters);
    }

    /// <summary>"column IN (@prefix0, @prefix1, ...)" for a list filter; nothing when the list is empty (matches all).</summary>
    private static void AnyOf(
        string column, string prefix, IReadOnlyList<string> values, List<string> conditions, List<(string Name, object? Value)> parameters)
    {
        if (values.Count == 0)
        {
            return;
        }

        var names = values.Distinct(StringComparer.Ordinal).Select((value, i) => (Name: $"{prefix}{i}", Value: value)).ToList();
        conditions.Add($"{column} IN ({string.Join(", ", names.Select(n => n.Name))})");
        parameters.AddRange(names.Select(n => (n.Name, (object?)n.Value)));
    }
}
