using System.Runtime.Versioning;

namespace Ferry.Storage.Tests.Sqlite;

/// <summary>What the SQLite file tests (backend and audit store) check about a database on disk.</summary>
internal static class SqliteTestFiles
{
    public static string NewDirectory(string prefix) => Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N"));

    public static void Delete(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>The database and its WAL sidecars are the owner's alone, and so is the directory it created.</summary>
    [UnsupportedOSPlatform("windows")]
    public static void AssertOwnerOnlyInWalMode(string databasePath)
    {
        const UnixFileMode ownerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        Assert.Equal(ownerReadWrite, File.GetUnixFileMode(databasePath));
        Assert.True(File.Exists(databasePath + "-wal"), "WAL mode should keep a -wal file beside the database");
        Assert.Equal(ownerReadWrite, File.GetUnixFileMode(databasePath + "-wal"));
        Assert.Equal(ownerReadWrite, File.GetUnixFileMode(databasePath + "-shm"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute,
            File.GetUnixFileMode(Path.GetDirectoryName(databasePath)!));
    }

    /// <summary>Replaces a closed database with a file of the same size that is not a database.</summary>
    public static async Task ReplaceWithGarbageAsync(string databasePath, CancellationToken cancellationToken)
    {
        File.Delete(databasePath + "-wal");
        File.Delete(databasePath + "-shm");
        await File.WriteAllTextAsync(databasePath, new string('x', 4096), cancellationToken);
    }
}
