namespace Ferry.Storage.Sqlite;

/// <summary>Where and how <see cref="SqliteBackend"/> keeps its data.</summary>
public sealed record SqliteBackendOptions
{
    /// <summary>A <see cref="Path"/> that keeps everything in memory, lost on close: for tests.</summary>
    public const string InMemory = ":memory:";

    public static readonly TimeSpan DefaultSweepInterval = TimeSpan.FromSeconds(1);
    public const int DefaultWatchBufferSize = 1024;

    /// <summary>The database file; its directory is created when missing. Or <see cref="InMemory"/>.</summary>
    public required string Path { get; init; }

    /// <summary>How often expired items are deleted (and Delete events sent); null means <see cref="DefaultSweepInterval"/>.</summary>
    public TimeSpan? SweepInterval { get; init; }

    /// <summary>Events a watcher may have unread before it is closed with Unavailable.</summary>
    public int WatchBufferSize { get; init; } = DefaultWatchBufferSize;

    /// <summary>How long a statement waits for a lock held by another connection or process.</summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        if (string.IsNullOrWhiteSpace(Path))
        {
            throw new ArgumentException("the SQLite storage path must not be empty", nameof(Path));
        }

        if (SweepInterval is { } interval && interval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(SweepInterval), interval, "the sweep interval must be positive");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(WatchBufferSize, 1, nameof(WatchBufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(BusyTimeout, TimeSpan.Zero, nameof(BusyTimeout));
    }
}
