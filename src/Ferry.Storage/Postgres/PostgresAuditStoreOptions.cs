using System.Globalization;
using Ferry.Core.Errors;

namespace Ferry.Storage.Postgres;

/// <summary>Where <see cref="PostgresAuditStore"/> keeps the audit log, and for how long.</summary>
public sealed record PostgresAuditStoreOptions
{
    /// <summary>The query parameter of audit_events_uri that sets <see cref="Retention"/> (as the reference system names it).</summary>
    public const string RetentionParameter = "retention_period";

    public static readonly TimeSpan DefaultRetention = TimeSpan.FromDays(365);
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromHours(1);

    /// <summary>The database (teleport.storage.audit_events_uri).</summary>
    public required PostgresConnectionString Connection { get; init; }

    /// <summary>Events older than this (by their time) are deleted.</summary>
    public TimeSpan Retention { get; init; } = DefaultRetention;

    /// <summary>How often old events are deleted.</summary>
    public TimeSpan SweepInterval { get; init; } = DefaultSweepInterval;

    /// <summary>
    /// Reads an audit_events_uri entry: a postgresql:// URI whose optional <c>retention_period</c> parameter is a whole
    /// number with a unit, d, h or m (<c>365d</c>, <c>2160h</c>).
    /// </summary>
    /// <exception cref="FerryException">BadParameter naming <paramref name="setting"/>.</exception>
    public static PostgresAuditStoreOptions FromUri(string uri, string setting)
    {
        var connection = PostgresConnectionString.Parse(uri, setting, [RetentionParameter]);
        var options = new PostgresAuditStoreOptions { Connection = connection };
        return connection.Extra.TryGetValue(RetentionParameter, out var text) ? options with { Retention = ParseRetention(text, setting) } : options;
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Connection);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Retention, TimeSpan.Zero, nameof(Retention));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SweepInterval, TimeSpan.Zero, nameof(SweepInterval));
    }

    private static TimeSpan ParseRetention(string text, string setting)
    {
        var unit = text.Length > 1 ? text[^1] : ' ';
        if (long.TryParse(text.AsSpan(0, Math.Max(0, text.Length - 1)), NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
        {
            switch (unit)
            {
                case 'd' when count <= 36_500:
                    return TimeSpan.FromDays(count);
                case 'h' when count <= 876_000:
                    return TimeSpan.FromHours(count);
                case 'm' when count <= 52_560_000:
                    return TimeSpan.FromMinutes(count);
            }
        }

        throw FerryException.BadParameter(
            $"{setting}: {RetentionParameter} \"{text}\" is not a positive whole number of days, hours or minutes; write it as 365d, 2160h or 90m");
    }
}
