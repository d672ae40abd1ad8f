using Microsoft.Extensions.Logging;

namespace Ferry.Storage;

/// <summary>
/// Storage log messages, event ids 1000–1099: 1000–1019 backend lifecycle and errors, 1020–1039 expiry sweeping,
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

    [LoggerMessage(EventId = 1020, Level = LogLevel.Debug, Message = "Expiry sweep deleted {Count} items")]
    public static partial void SweepDeleted(ILogger logger, int count);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Expiry sweep failed; it will be retried on the next tick")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1040, Level = LogLevel.Warning, Message = "A watcher fell more than {Capacity} events behind and was closed; it must re-read and watch again")]
    public static partial void WatcherOverflowed(ILogger logger, int capacity);
}
