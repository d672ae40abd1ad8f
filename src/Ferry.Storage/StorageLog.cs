using Microsoft.Extensions.Logging;

namespace Ferry.Storage;

/// <summary>
/// Storage log messages, event ids 1000–1099: 1000–1019 backend and audit lifecycle and errors, 1020–1039 expiry sweeping,
/// 1040–1059 watches. Keys are never logged (provisioning tokens are stored under keys that contain them),
/// and neither are values (CA keys, password hashes).
/// </summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "Opened SQLite storage at {Path} (journal mode {JournalMode}, revision {Revision})")]
    public static partial void SqliteOpened(ILogger logger, string path, string journalMode, long revision);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Closed storage at {Path}")]
    public static partial void Closed(ILogger logger, string path);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "SQLite storage at {Path} runs in journal mode {JournalMode}, not WAL; readers will block behind writers")]
    public static partial void NotWal(ILogger logger, string path, string journalMode);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Storage operation {Operation} failed with SQLite error {ErrorCode}")]
    public static partial void SqliteFailed(ILogger logger, string operation, int errorCode, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Tightened permissions of {Path} to owner read/write only (it was {Mode})")]
    public static partial void PermissionsTightened(ILogger logger, string path, UnixFileMode mode);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Opened SQLite audit log at {Path} (journal mode {JournalMode}, schema version {Version})")]
    public static partial void AuditOpened(ILogger logger, string path, string journalMode, int version);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "Opened PostgreSQL storage at {Target} (schema version {Version}, revision {Revision})")]
    public static partial void PostgresOpened(ILogger logger, string target, int version, long revision);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Opened PostgreSQL audit log at {Target} (schema version {Version}, retention {Retention})")]
    public static partial void PostgresAuditOpened(ILogger logger, string target, int version, TimeSpan retention);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Warning, Message = "Storage operation {Operation} failed on PostgreSQL")]
    public static partial void PostgresFailed(ILogger logger, string operation, Exception exception);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Information, Message = "Storage operation {Operation} runs again (attempt {Attempt}) in {Pause}: {Reason}")]
    public static partial void PostgresRetrying(ILogger logger, string operation, int attempt, TimeSpan pause, string reason);

    [LoggerMessage(EventId = 1020, Level = LogLevel.Debug, Message = "Sweep of {What} deleted {Count} rows")]
    public static partial void SweepDeleted(ILogger logger, string what, int count);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Sweep of {What} failed; it will be retried on the next tick")]
    public static partial void SweepFailed(ILogger logger, string what, Exception exception);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning, Message = "A watcher fell more than {Capacity} events behind and was closed; it must re-read and watch again")]
    public static partial void WatcherOverflowed(ILogger logger, int capacity);

    [LoggerMessage(EventId = 1041, Level = LogLevel.Information, Message = "Listening for changes at {Target} (after a lost connection: {Reconnected})")]
    public static partial void FeedListening(ILogger logger, string target, bool reconnected);

    [LoggerMessage(EventId = 1042, Level = LogLevel.Warning, Message = "The change notification connection failed; reconnecting in {Pause} (changes are still polled)")]
    public static partial void FeedListenerLost(ILogger logger, TimeSpan pause, Exception exception);

    [LoggerMessage(EventId = 1043, Level = LogLevel.Warning, Message = "Reading changes after revision {Revision} failed; retrying on the next poll")]
    public static partial void FeedReadFailed(ILogger logger, long revision, Exception exception);

    [LoggerMessage(EventId = 1044, Level = LogLevel.Information, Message = "Reading changes works again (at revision {Revision})")]
    public static partial void FeedRecovered(ILogger logger, long revision);

    [LoggerMessage(EventId = 1045, Level = LogLevel.Warning, Message = "The change feed at revision {Revision} lost changes (pruned through {PrunedThrough}, database at {Current}: behind the retention, or a restored database); every watch was closed and starts again at {Current}")]
    public static partial void FeedFellBehind(ILogger logger, long revision, long prunedThrough, long current);
}
