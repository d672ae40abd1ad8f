using Ferry.Core.Errors;
using Ferry.Storage.Audit;
using Ferry.Storage.Sqlite;
using Ferry.Storage.Tests.Compliance;

namespace Ferry.Storage.Tests.Sqlite;

/// <summary>The audit compliance suite on a database file, plus what only a file can show: permissions and reopening.</summary>
public sealed class SqliteAuditStoreTests : AuditStoreComplianceTests
{
    private readonly string _directory = SqliteTestFiles.NewDirectory("ferry-audit-");

    private string DatabasePath => Path.Combine(_directory, "log", "audit.db");

    protected override async Task<IAuditStore> CreateStoreAsync(TimeProvider time) => await OpenAsync();

    protected override Task CleanupAsync()
    {
        SqliteTestFiles.Delete(_directory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Open_CreatesDirectoryAndOwnerOnlyFilesInWalMode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await Store.AppendAsync([Record("e1", T0)], Ct);

        SqliteTestFiles.AssertOwnerOnlyInWalMode(DatabasePath);
    }

    [Fact]
    public async Task Reopen_KeepsEventsAndCursors()
    {
        await Store.AppendAsync(Records(5, T0), Ct);
        var first = await Store.SearchAsync(new AuditQuery { Limit = 2 }, Ct);
        await Store.DisposeAsync();

        await using var reopened = await OpenAsync();

        var rest = await reopened.SearchAsync(new AuditQuery { Limit = 10, Cursor = first.NextCursor }, Ct);
        Assert.Equal(["r0002", "r0001", "r0000"], rest.Records.Select(r => r.Id));
    }

    [Fact]
    public async Task Dispose_RefusesCallsWithUnavailable()
    {
        await Store.DisposeAsync();

        await AssertFailsAsync(ErrorKind.Unavailable, async () => await Store.SearchAsync(new AuditQuery(), Ct));
        await AssertFailsAsync(ErrorKind.Unavailable, async () => await Store.AppendAsync([Record("e1", T0)], Ct));
    }

    [Fact]
    public async Task Open_FileThatIsNotADatabase_ThrowsUnavailable()
    {
        await Store.DisposeAsync();
        await SqliteTestFiles.ReplaceWithGarbageAsync(DatabasePath, Ct);

        await AssertFailsAsync(ErrorKind.Unavailable, async () => await OpenAsync());
    }

    private async Task<IAuditStore> OpenAsync() =>
        await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { Path = DatabasePath }, Time, logger: null, Ct);
}
