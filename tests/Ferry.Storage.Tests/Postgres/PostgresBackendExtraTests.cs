using Ferry.Core.Errors;
using Ferry.Storage.Postgres;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>
/// What only the PostgreSQL backend shows: expiry by the database's clock whatever the process's clock says, sweeping
/// in batches, schema migration by two processes at once and a schema from the future, and closing.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBackendExtraTests(PostgresCluster cluster) : PostgresTestBase(cluster)
{
    [Fact]
    public async Task Expiry_FollowsTheDatabaseClock_NotTheProcessClock()
    {
        // One process believes it is the year 2000, the other 2100; the database's clock is the one that counts.
        var behind = await OpenAsync("behind", new FakeTimeProvider(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var ahead = await OpenAsync("ahead", new FakeTimeProvider(new DateTimeOffset(2100, 1, 1, 0, 0, 0, TimeSpan.Zero)));
        var databaseNow = await Cluster.AdminScalarAsync<DateTime>("postgres", "SELECT clock_timestamp();");
        var now = new DateTimeOffset(databaseNow, TimeSpan.Zero);

        await behind.PutAsync(NewItem("/clock/past", "v", now - TimeSpan.FromMinutes(1)), Ct);
        await ahead.PutAsync(NewItem("/clock/future", "v", now + TimeSpan.FromHours(1)), Ct);

        Assert.Null(await behind.GetAsync("/clock/past", Ct));
        Assert.Null(await ahead.GetAsync("/clock/past", Ct));
        Assert.NotNull(await ahead.GetAsync("/clock/future", Ct));
        Assert.NotNull(await behind.GetAsync("/clock/future", Ct));
        await AssertFailsAsync(ErrorKind.NotFound, async () => await behind.UpdateAsync(NewItem("/clock/past", "w"), Ct));
        await ahead.CreateAsync(NewItem("/clock/past", "again"), Ct);
        Assert.Equal("again", Text((await behind.GetAsync("/clock/past", Ct))!));
    }

    [Fact]
    public async Task Sweep_DeletesByTheDatabaseClockInBatches_AndWatchersSeeDeletes()
    {
        var backend = await OpenAsync(
            "sweeper", new FakeTimeProvider(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero)), o => o with { WatchBufferSize = 4096 });
        var now = new DateTimeOffset(await Cluster.AdminScalarAsync<DateTime>("postgres", "SELECT clock_timestamp();"), TimeSpan.Zero);
        await backend.AtomicWriteAsync([], Enumerable.Range(0, 1500)
            .Select(i => (WriteAction)new WriteAction.Put(NewItem($"/e/{i:D4}", "v", now - TimeSpan.FromSeconds(1)))).ToList(), Ct);
        await backend.PutAsync(NewItem("/e/live", "v", now + TimeSpan.FromHours(1)), Ct);
        var watch = await WatchAsync(backend, "/e/");

        Assert.Equal(1500, await backend.SweepExpiredAsync(Ct));
        Assert.Equal(0, await backend.SweepExpiredAsync(Ct));

        var deleted = new List<BackendEvent>();
        for (var i = 0; i < 1500; i++)
        {
            deleted.Add(await NextAsync(watch));
        }

        Assert.All(deleted, e => Assert.Equal(BackendEventType.Delete, e.Type));
        Assert.Equal(1500, deleted.Select(e => e.Item.Key).Distinct().Count());
        var (start, end) = KeyRange.Prefix("/e/");
        Assert.Equal(["/e/live"], (await backend.GetRangeAsync(start, end, 0, Ct)).Select(i => i.Key));
    }

    [Fact]
    public async Task Open_TwoProcessesAtOnceOnAnEmptySchema_BothMigrateSafely()
    {
        var opened = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => OpenAsync($"start{i}"))));

        await opened[0].PutAsync(NewItem("/k", "v"), Ct);
        Assert.Equal("v", Text((await opened[3].GetAsync("/k", Ct))!));
        var schema = Uri[(Uri.IndexOf("%3D", StringComparison.Ordinal) + 3)..];
        var database = Uri.Split('/')[3].Split('?')[0];
        Assert.Equal(1, await Cluster.AdminScalarAsync<int>(database, $"SELECT version FROM {schema}.ferry_schema_version WHERE component = 'backend';"));
    }

    [Fact]
    public async Task Open_SchemaNewerThanThisBuild_IsRefused()
    {
        var backend = await OpenAsync("first");
        await backend.DisposeAsync();
        var schema = Uri[(Uri.IndexOf("%3D", StringComparison.Ordinal) + 3)..];
        var database = Uri.Split('/')[3].Split('?')[0];
        await Cluster.AdminAsync(database, $"UPDATE {schema}.ferry_schema_version SET version = 99 WHERE component = 'backend';");

        var error = await AssertFailsAsync(ErrorKind.Unavailable, () => OpenAsync("second"));

        Assert.Contains("newer", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dispose_EndsWatchesWithUnavailableAndRefusesCalls()
    {
        var backend = await OpenAsync("closing");
        var watch = await WatchAsync(backend);

        await backend.DisposeAsync();

        await AssertFailsAsync(ErrorKind.Unavailable, async () => await watch.MoveNextAsync());
        await AssertFailsAsync(ErrorKind.Unavailable, async () => await backend.GetAsync("/k", Ct));
        await AssertFailsAsync(ErrorKind.Unavailable, async () => await backend.PutAsync(NewItem("/k", "v"), Ct));
        Assert.Throws<FerryException>(() => backend.WatchAsync([], Ct));
    }

    [Fact]
    public async Task PruneChanges_KeepsChangesInsideTheRetention()
    {
        var backend = await OpenAsync("pruner", configure: o => o with { ChangeRetention = TimeSpan.FromHours(1) });
        await backend.PutAsync(NewItem("/p/k", "v"), Ct);

        Assert.Equal(0, await backend.PruneChangesAsync(Ct));

        var watch = await WatchAsync(backend, "/p/");
        await backend.PutAsync(NewItem("/p/k", "w"), Ct);
        Assert.Equal("w", Text((await NextAsync(watch)).Item));
    }

    [Fact]
    public async Task Open_InvalidOptions_ThrowsArgumentException()
    {
        var connection = PostgresCluster.Parse(Uri);

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await PostgresBackend.OpenAsync(
            new PostgresBackendOptions { Connection = connection, PollInterval = TimeSpan.Zero }, TimeProvider.System, logger: null, Ct));
        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await PostgresBackend.OpenAsync(
            new PostgresBackendOptions { Connection = connection, WatchBufferSize = 0 }, TimeProvider.System, logger: null, Ct));
    }
}
