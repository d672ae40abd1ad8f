using Ferry.Core.Errors;
using Ferry.Storage.Sqlite;
using Ferry.Storage.Tests.Compliance;

namespace Ferry.Storage.Tests.Sqlite;

/// <summary>The compliance suite on a database file, plus what only a file can show: permissions and reopening.</summary>
public sealed class SqliteBackendTests : BackendComplianceTests
{
    private const int TestWatchBuffer = 64;
    private readonly string _directory = SqliteTestFiles.NewDirectory("ferry-storage-");

    private string DatabasePath => Path.Combine(_directory, "data", "ferry.db");

    protected override int WatchOverflowWrites => TestWatchBuffer * 4;

    protected override async Task<IBackend> CreateBackendAsync(TimeProvider time) => await OpenAsync(time);

    protected override Task CleanupAsync()
    {
        SqliteTestFiles.Delete(_directory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Open_CreatesDirectoryAndOwnerOnlyFiles()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await Backend.PutAsync(NewItem("/secret", "ca private key"), Ct);

        SqliteTestFiles.AssertOwnerOnlyInWalMode(DatabasePath);
    }

    [Fact]
    public async Task Open_ExistingWorldReadableFile_TightensIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await Backend.DisposeAsync();
        File.SetUnixFileMode(DatabasePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await using var reopened = await OpenAsync(Time);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(DatabasePath));
    }

    [Fact]
    public async Task Reopen_KeepsDataAndRevisionsKeepGrowing()
    {
        var before = await Backend.PutAsync(NewItem("/users/alice", "hash"), Ct);
        await Backend.DisposeAsync();

        await using var reopened = await OpenAsync(Time);

        var read = await reopened.GetAsync("/users/alice", Ct);
        Assert.Equal("hash", Text(read!));
        Assert.Equal(before.Revision, read!.Revision);
        var after = await reopened.PutAsync(NewItem("/users/bob", "hash"), Ct);
        Assert.True(after.Revision > before.Revision);
    }

    [Fact]
    public async Task Dispose_EndsWatchesWithUnavailableAndRefusesCalls()
    {
        await using var watch = await StartWatchAsync([], Ct);

        await Backend.DisposeAsync();

        await AssertFailsAsync(ErrorKind.Unavailable, async () => await watch.MoveNextAsync());
        await AssertFailsAsync(ErrorKind.Unavailable, async () => await Backend.GetAsync("/k", Ct));
        await AssertFailsAsync(ErrorKind.Unavailable, async () => await Backend.PutAsync(NewItem("/k", "v"), Ct));
    }

    [Fact]
    public async Task Sweep_DeletesExpiredRowsInBatches()
    {
        var backend = (SqliteBackend)Backend;
        for (var i = 0; i < 1500; i++)
        {
            await backend.PutAsync(NewItem($"/e/{i:D4}", "v", Time.GetUtcNow() + TimeSpan.FromSeconds(1)), Ct);
        }

        // Move the clock without firing the sweeper's timer twice: the sweep below is the one under test.
        Time.AdjustTime(Time.GetUtcNow() + TimeSpan.FromSeconds(2));
        var deleted = await backend.SweepExpiredAsync(Ct);

        Assert.Equal(1500, deleted);
        Assert.Equal(0, await backend.SweepExpiredAsync(Ct));
    }

    [Fact]
    public async Task Open_FileThatIsNotADatabase_ThrowsUnavailable()
    {
        await Backend.DisposeAsync();
        await SqliteTestFiles.ReplaceWithGarbageAsync(DatabasePath, Ct);

        await AssertFailsAsync(ErrorKind.Unavailable, async () => await OpenAsync(Time));
    }

    [Fact]
    public async Task Sweeper_OnRealClock_DeletesExpiredItemAndNotifiesWatchers()
    {
        await using var backend = await SqliteBackend.OpenAsync(
            new SqliteBackendOptions { Path = Path.Combine(_directory, "real-clock.db"), SweepInterval = TimeSpan.FromMilliseconds(50) },
            TimeProvider.System, logger: null, Ct);
        await using var watch = backend.WatchAsync([], Ct).GetAsyncEnumerator(Ct);
        Assert.True(await watch.MoveNextAsync());

        await backend.PutAsync(NewItem("/k", "v", DateTimeOffset.UtcNow + TimeSpan.FromMilliseconds(100)), Ct);
        Assert.True(await watch.MoveNextAsync());
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10), Ct));

        Assert.Equal((BackendEventType.Delete, "/k"), (watch.Current.Type, watch.Current.Item.Key));
    }

    [Theory]
    [InlineData("", null, 1)]
    [InlineData("x.db", -1, 1)]
    [InlineData("x.db", null, 0)]
    public async Task Open_InvalidOptions_ThrowsArgumentException(string path, int? sweepSeconds, int watchBuffer)
    {
        var options = new SqliteBackendOptions
        {
            Path = path,
            SweepInterval = sweepSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            WatchBufferSize = watchBuffer,
        };

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await SqliteBackend.OpenAsync(options, Time, logger: null, Ct));
    }

    private async Task<SqliteBackend> OpenAsync(TimeProvider time) =>
        await SqliteBackend.OpenAsync(
            new SqliteBackendOptions { Path = DatabasePath, WatchBufferSize = TestWatchBuffer }, time, logger: null, Ct);
}
