using System.Diagnostics;
using System.Globalization;
using Ferry.Core.Errors;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>
/// A watcher across outages: a restart of the server (clean and a crash) while another instance keeps writing, a
/// process cut off for longer than the change retention, and a database restored from an older backup.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOutageTests(PostgresCluster cluster) : PostgresTestBase(cluster)
{
    private const int Keys = 4;

    [Theory]
    [InlineData("fast")]
    [InlineData("immediate")]
    public async Task Watch_ServerRestartsWhileAnotherInstanceWrites_ResumesWithoutLossOrRepeat(string mode)
    {
        var writer = await OpenAsync("a");
        var reader = await OpenAsync("b");
        var watch = await WatchAsync(reader, "/r/");
        var acknowledged = new HashSet<int>();
        var uncertain = new HashSet<int>();

        // Values are unique and grow, so a repeated or reordered event shows as a value that does not grow.
        var sequence = 0;
        async Task WriteAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                var value = ++sequence;
                try
                {
                    await writer.PutAsync(NewItem($"/r/{value % Keys}", value.ToString(CultureInfo.InvariantCulture)), Ct);
                    acknowledged.Add(value);
                }
                catch (FerryException exception) when (exception.Kind == ErrorKind.Unavailable)
                {
                    uncertain.Add(value);
                }
            }
        }

        await WriteAsync(30);
        var started = await Cluster.AdminScalarAsync<DateTime>("postgres", "SELECT pg_postmaster_start_time();");
        var writing = Task.Run(() => WriteAsync(60));
        await Cluster.RestartAsync(mode);
        await writing;
        await WriteAsync(30);
        Assert.True(await Cluster.AdminScalarAsync<DateTime>("postgres", "SELECT pg_postmaster_start_time();") > started, "the server did not restart");

        // The stored state is the truth about writes whose outcome the writer could not know.
        var (start, end) = KeyRange.Prefix("/r/");
        var final = (await writer.GetRangeAsync(start, end, 0, Ct)).ToDictionary(i => i.Key, Text);
        var lastSeen = new Dictionary<string, int>();
        var events = new List<BackendEvent>();
        while (!final.All(f => lastSeen.TryGetValue(f.Key, out var value) && value.ToString(CultureInfo.InvariantCulture) == f.Value))
        {
            var next = await NextAsync(watch);
            var value = int.Parse(Text(next.Item), CultureInfo.InvariantCulture);
            Assert.True(!lastSeen.TryGetValue(next.Item.Key, out var previous) || value > previous,
                $"key {next.Item.Key}: {value} arrived after {previous}");
            Assert.True(events.Count == 0 || next.Item.Revision > events[^1].Item.Revision, "revisions must grow");
            lastSeen[next.Item.Key] = value;
            events.Add(next);
        }

        var delivered = events.Select(e => int.Parse(Text(e.Item), CultureInfo.InvariantCulture)).ToHashSet();
        Assert.Empty(acknowledged.Except(delivered));
        Assert.Empty(delivered.Except(acknowledged).Except(uncertain));
        Assert.Equal(120, acknowledged.Count + uncertain.Count);
    }

    [Fact]
    public async Task Watch_CutOffLongerThanTheRetention_EndsWithUnavailable_AndANewWatchStartsWithInit()
    {
        // b's clock is fake: once its sessions are cut, its reconnect pauses and polls wait for the test to move it.
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var b = await OpenAsync("b", time);
        var a = await OpenAsync("a", configure: o => o with { ChangeRetention = TimeSpan.Zero });
        var watch = await WatchAsync(b, "/gone/");
        await a.PutAsync(NewItem("/gone/k", "seen"), Ct);
        Assert.Equal("seen", Text((await NextAsync(watch)).Item));

        await Cluster.TerminateAsync("ferry-b");
        await WaitUntilAsync(async () => await Cluster.SessionsAsync("ferry-b") == 0, "b's sessions are gone");
        Item last = null!;
        for (var i = 0; i < 5; i++)
        {
            last = await a.PutAsync(NewItem("/gone/k", $"missed {i}"), Ct);
        }

        Assert.True(await a.PruneChangesAsync(Ct) >= 5);

        var failed = watch.MoveNextAsync().AsTask();
        var waited = Stopwatch.StartNew();
        while (!failed.IsCompleted && waited.Elapsed < Deadline)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(failed, Task.Delay(TimeSpan.FromMilliseconds(20), Ct));
        }

        var error = await Assert.ThrowsAsync<FerryException>(() => failed);
        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Contains("retention", error.Message, StringComparison.Ordinal);

        var again = b.WatchAsync(["/gone/"], Ct).GetAsyncEnumerator(Ct);
        CloseWithTest(again);
        Assert.True(await again.MoveNextAsync().AsTask().WaitAsync(Deadline, Ct));
        Assert.Equal(BackendEventType.Init, again.Current.Type);
        Assert.True(again.Current.Item.Revision >= last.Revision);
        await a.PutAsync(NewItem("/gone/k", "after"), Ct);
        Assert.Equal("after", Text((await NextAsync(again)).Item));
    }

    [Fact]
    public async Task Watch_DatabaseRestoredFromAnOlderBackup_EndsWithUnavailable()
    {
        var a = await OpenAsync("a");
        var b = await OpenAsync("b");
        for (var i = 0; i < 5; i++)
        {
            await a.PutAsync(NewItem("/restored/k", $"v{i}"), Ct);
        }

        var watch = await WatchAsync(b, "/restored/");
        var schema = Uri[(Uri.IndexOf("%3D", StringComparison.Ordinal) + 3)..];
        var database = Uri.Split('/')[3].Split('?')[0];
        // What a restore of a backup taken after the first write looks like to a running process.
        await Cluster.AdminAsync(database, $"DELETE FROM {schema}.ferry_changes WHERE revision > 1; UPDATE {schema}.ferry_meta SET value = 1 WHERE name = 'revision';");
        await a.PutAsync(NewItem("/restored/k", "after the restore"), Ct);

        var error = await Assert.ThrowsAsync<FerryException>(async () => await watch.MoveNextAsync().AsTask().WaitAsync(Deadline, Ct));
        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Contains("restored", error.Message, StringComparison.Ordinal);
    }
}
