using Microsoft.Extensions.Logging;

namespace Ferry.Storage.Sqlite;

/// <summary>
/// Keeps the database private to its owner: it holds CA private keys and password hashes.
/// The file is created 0600 before SQLite opens it, so it is never readable by others even for an instant,
/// whatever the umask. SQLite gives its -wal, -shm and -journal files the mode of the database file
/// (os_unix.c, findCreateFileMode), and <see cref="RestrictSidecars"/> checks them again after opening.
/// </summary>
internal static class SqliteFiles
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private static readonly string[] SidecarSuffixes = ["-wal", "-shm", "-journal"];

    public static void PrepareDatabaseFile(string path, ILogger logger)
    {
        var directory = Path.GetDirectoryName(path);
        if (OperatingSystem.IsWindows())
        {
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            return;
        }

        if (!string.IsNullOrEmpty(directory) && !Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, OwnerDirectory);
        }

        using (new FileStream(path, new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.ReadWrite,
            UnixCreateMode = OwnerReadWrite,
        }))
        {
        }

        Restrict(path, logger);
        RestrictSidecars(path, logger);
    }

    public static void RestrictSidecars(string path, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        foreach (var suffix in SidecarSuffixes)
        {
            var sidecar = path + suffix;
            if (File.Exists(sidecar))
            {
                Restrict(sidecar, logger);
            }
        }
    }

    private static void Restrict(string path, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        // An existing file may come from an older version or from a copy made by hand.
        var mode = File.GetUnixFileMode(path);
        if ((mode & ~OwnerReadWrite) != 0)
        {
            File.SetUnixFileMode(path, OwnerReadWrite);
            StorageLog.PermissionsTightened(logger, path, mode);
        }
    }
}
