namespace Ferry.Storage.Sqlite;

/// <summary>Where and how <see cref="SqliteAuditStore"/> keeps the audit log.</summary>
public sealed record SqliteAuditStoreOptions
{
    /// <summary>The database file; its directory is created when missing. Or <see cref="SqliteBackendOptions.InMemory"/>.</summary>
    public required string Path { get; init; }

    /// <summary>How long a statement waits for a lock held by another connection or process.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("the SQLite audit log path must not be empty", nameof(Path));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(BusyTimeout, TimeSpan.Zero, nameof(BusyTimeout));
    }
}
