using Ferry.Core.Errors;

namespace Ferry.Storage.Audit;

/// <summary>
/// Checks shared by every <see cref="IAuditStore"/>, so each rejects the same inputs with the same BadParameter
/// messages instead of failing later with a driver-specific error.
/// </summary>
internal static class AuditArguments
{
    public static void Records(IReadOnlyList<AuditRecord> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        foreach (var record in records)
        {
            ArgumentNullException.ThrowIfNull(record);
            if (string.IsNullOrEmpty(record.Id) || string.IsNullOrEmpty(record.Type))
            {
                throw FerryException.BadParameter("an audit record needs an id and a type");
            }

            if (record.Json.IsEmpty)
            {
                throw FerryException.BadParameter($"audit record {record.Id} has no event body");
            }
        }
    }

    /// <summary>Checks the query and returns the position its cursor names (null: from the start).</summary>
    public static AuditCursor? Query(AuditQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(query.Types);
        ArgumentNullException.ThrowIfNull(query.Services);
        ArgumentNullException.ThrowIfNull(query.Operations);
        if (query.Limit is < 1 or > AuditQuery.MaxLimit)
        {
            throw FerryException.BadParameter(
                $"an audit search limit must be between 1 and {AuditQuery.MaxLimit}, not {query.Limit}; page through larger results with the cursor");
        }

        if (query.From is { } from && query.To is { } to && from > to)
        {
            throw FerryException.BadParameter($"the audit search window starts ({from:O}) after it ends ({to:O})");
        }

        if (query.Types.Count > AuditQuery.MaxTypes)
        {
            throw FerryException.BadParameter($"an audit search takes at most {AuditQuery.MaxTypes} event types, not {query.Types.Count}");
        }

        if (query.Types.Any(string.IsNullOrEmpty))
        {
            throw FerryException.BadParameter("an audit search event type must not be empty");
        }

        Values(query.Services, "service");
        Values(query.Operations, "operation");
        if (query.User is { Length: 0 })
        {
            throw FerryException.BadParameter("an audit search user must not be empty; leave it out to match every user");
        }

        if (!Enum.IsDefined(query.Order))
        {
            throw FerryException.BadParameter($"unknown audit search order {query.Order}");
        }

        return AuditCursor.Decode(query.Cursor);
    }

    private static void Values(IReadOnlyList<string> values, string what)
    {
        if (values.Count > AuditQuery.MaxValues)
        {
            throw FerryException.BadParameter($"an audit search takes at most {AuditQuery.MaxValues} values of {what}, not {values.Count}");
        }

        if (values.Any(string.IsNullOrEmpty))
        {
            throw FerryException.BadParameter($"an audit search {what} must not be empty; leave it out to match every {what}");
        }
    }
}
