namespace Ferry.Storage.Postgres;

/// <summary>Where and how <see cref="PostgresBackend"/> keeps its data; docs/storage-postgres.md explains each choice.</summary>
public sealed record PostgresBackendOptions
{
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan DefaultChangeRetention = TimeSpan.FromHours(1);
    public static readonly TimeSpan DefaultPruneInterval = TimeSpan.FromMinutes(1);
    public const int DefaultWatchBufferSize = 1024;

    /// <summary>The database (teleport.storage.conn_string).</summary>
    public required PostgresConnectionString Connection { get; init; }

    /// <summary>
    /// How often the change table is read when no notification came: the most a lost notification can delay a change
    /// reaching this process's watchers.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = DefaultPollInterval;

    /// <summary>How often expired items are deleted (and Delete events sent).</summary>
    public TimeSpan SweepInterval { get; init; } = DefaultSweepInterval;

    /// <summary>
    /// How long changes stay in the change table. A process whose change feed is further behind than this (cut off
    /// from the database for longer) closes its watches with Unavailable, and they start again from an Init.
    /// </summary>
    public TimeSpan ChangeRetention { get; init; } = DefaultChangeRetention;

    /// <summary>How often changes older than <see cref="ChangeRetention"/> are deleted.</summary>
    public TimeSpan PruneInterval { get; init; } = DefaultPruneInterval;

    /// <summary>Events a watcher may have unread before it is closed with Unavailable.</summary>
    public int WatchBufferSize { get; init; } = DefaultWatchBufferSize;

    /// <summary>
    /// Tests only: the database clock is moved by as much as the given TimeProvider is ahead of the system clock, so
    /// a fake clock can make items expire. Expiry is still decided in the database; production never sets it.
    /// </summary>
    internal bool ShiftDatabaseClockByTimeProvider { get; init; }

    /// <summary>Tests only: false leaves out the LISTEN session, so changes from other processes arrive by polling alone.</summary>
    internal bool Listen { get; init; } = true;

    /// <summary>Tests only: runs inside each write transaction that changed something, after its writes and before COMMIT.</summary>
    internal Func<long, CancellationToken, ValueTask>? BeforeCommit { get; init; }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Connection);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PollInterval, TimeSpan.Zero, nameof(PollInterval));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(SweepInterval, TimeSpan.Zero, nameof(SweepInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(ChangeRetention, TimeSpan.Zero, nameof(ChangeRetention));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PruneInterval, TimeSpan.Zero, nameof(PruneInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(WatchBufferSize, 1, nameof(WatchBufferSize));
    }
}
