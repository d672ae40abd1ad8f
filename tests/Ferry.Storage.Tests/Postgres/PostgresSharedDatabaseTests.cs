using System.Diagnostics;
using System.Globalization;
using Ferry.Core.Errors;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>
/// Two independent backends on one database, as two auth servers would be: races between them, what each one's
/// watchers see of the other's writes, and the ordering trap of a change table read by revision.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSharedDatabaseTests(PostgresCluster cluster) : PostgresTestBase(cluster)
{
    [Fact]
    public async Task Create_RacingFromTwoInstances_ExactlyOneWins()
    {
        var a = await OpenAsync("a");
        var b = await OpenAsync("b");

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            try
            {
                await (i % 2 == 0 ? a : b).CreateAsync(NewItem("/race/k", i.ToString(CultureInfo.InvariantCulture)), Ct);
                return true;
            }
            catch (FerryException exception) when (exception.Kind == ErrorKind.AlreadyExists)
            {
                return false;
            }
        })));

        Assert.Single(outcomes, won => won);
    }

    [Fact]
    public async Task CompareAndSwap_RacingFromTwoInstances_OneWinnerPerValueAndNoLostUpdate()
    {
        var a = await OpenAsync("a");
        var b = await OpenAsync("b");
        await a.PutAsync(NewItem("/race/counter", "0"), Ct);
        var wins = new int[2];

        await Task.WhenAll(Enumerable.Range(0, 20).Select(i => Task.Run(async () =>
        {
            var backend = i % 2 == 0 ? a : b;
            while (true)
            {
                var current = (await backend.GetAsync("/race/counter", Ct))!;
                var next = (int.Parse(Text(current), CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
                try
                {
                    await backend.CompareAndSwapAsync(current, NewItem("/race/counter", next), Ct);
                    Interlocked.Increment(ref wins[i % 2]);
                    return;
                }
                catch (FerryException exception) when (exception.Kind == ErrorKind.CompareFailed)
                {
                }
            }
        })));

        Assert.Equal("20", Text((await b.GetAsync("/race/counter", Ct))!));
        Assert.Equal(20, wins[0] + wins[1]);
    }

    [Fact]
    public async Task AtomicWrite_OnOneInstance_IsNeverHalfVisibleOnTheOther()
    {
        var writer = await OpenAsync("a");
        var reader = await OpenAsync("b");
        await writer.AtomicWriteAsync([], [new WriteAction.Put(NewItem("/pair/a", "0")), new WriteAction.Put(NewItem("/pair/b", "0"))], Ct);
        var (start, end) = KeyRange.Prefix("/pair/");

        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reading = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var pair = await reader.GetRangeAsync(start, end, 0, Ct);
                Assert.Equal(2, pair.Count);
                Assert.Equal(Text(pair[0]), Text(pair[1]));
                Assert.Equal(pair[0].Revision, pair[1].Revision);
                reads++;
            }
        });
        for (var i = 1; i <= 100; i++)
        {
            var value = i.ToString(CultureInfo.InvariantCulture);
            await writer.AtomicWriteAsync([], [new WriteAction.Put(NewItem("/pair/a", value)), new WriteAction.Put(NewItem("/pair/b", value))], Ct);
        }

        await stop.CancelAsync();
        await reading;
        Assert.True(reads > 0);
    }

    [Fact]
    public async Task Watch_OnInstanceB_SeesEveryWriteOfInstanceA_WithinASecond_InOrderPerKey()
    {
        var a = await OpenAsync("a");
        var b = await OpenAsync("b");
        var watch = await WatchAsync(b, "/feed/");
        var written = new List<(Item Item, TimeSpan At)>();
        var clock = Stopwatch.StartNew();

        var seen = new List<(BackendEvent Event, TimeSpan At)>();
        var watching = Task.Run(async () =>
        {
            while (seen.Count < 200)
            {
                var next = await NextAsync(watch);
                seen.Add((next, clock.Elapsed));
            }
        });
        for (var i = 0; i < 200; i++)
        {
            var item = await a.PutAsync(NewItem($"/feed/{i % 5}", i.ToString(CultureInfo.InvariantCulture)), Ct);
            written.Add((item, clock.Elapsed));
        }

        await watching.WaitAsync(Deadline, Ct);
        Assert.Equal(written.Select(w => w.Item.Revision), seen.Select(s => s.Event.Item.Revision));
        Assert.Equal(written.Select(w => Text(w.Item)), seen.Select(s => Text(s.Event.Item)));
        var lag = written.Zip(seen, (w, s) => s.At - w.At).Max();
        Assert.True(lag < TimeSpan.FromSeconds(1), $"the slowest change took {lag.TotalMilliseconds:0} ms to reach the other instance");
    }

    [Fact]
    public async Task Watch_WithoutNotifications_PollingDeliversWithinThePollInterval()
    {
        var a = await OpenAsync("a");
        var b = await OpenAsync("b", configure: o => o with { Listen = false });
        var watch = await WatchAsync(b, "/poll/");

        for (var i = 0; i < 3; i++)
        {
            var clock = Stopwatch.StartNew();
            var written = await a.PutAsync(NewItem("/poll/k", i.ToString(CultureInfo.InvariantCulture)), Ct);
            var seen = await NextAsync(watch);

            Assert.Equal(written.Revision, seen.Item.Revision);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1.5), $"polling took {clock.Elapsed.TotalMilliseconds:0} ms (interval 1 s)");
        }
    }

    [Fact]
    public async Task Watch_ListenerConnectionLost_NoChangeIsLostOrRepeated()
    {
        var a = await OpenAsync("a");
        var b = await OpenAsync("b");
        var watch = await WatchAsync(b, "/blip/");
        await a.PutAsync(NewItem("/blip/k", "0"), Ct);
        Assert.Equal("0", Text((await NextAsync(watch)).Item));

        // Every session of b (its LISTEN session and its pool) is cut; a writes meanwhile.
        await Cluster.TerminateAsync("ferry-b");
        for (var i = 1; i <= 5; i++)
        {
            await a.PutAsync(NewItem("/blip/k", i.ToString(CultureInfo.InvariantCulture)), Ct);
        }

        var values = new List<string>();
        for (var i = 1; i <= 5; i++)
        {
            values.Add(Text((await NextAsync(watch, TimeSpan.FromSeconds(5))).Item));
        }

        Assert.Equal(["1", "2", "3", "4", "5"], values);
        await a.PutAsync(NewItem("/blip/k", "6"), Ct);
        Assert.Equal("6", Text((await NextAsync(watch)).Item));
    }

    [Fact]
    public async Task CommitOrder_LaterWriterWaitsForEarlierOne_AndWatcherSeesBothInCommitOrder()
    {
        // Writer a takes its revision and stops before COMMIT; writer b starts meanwhile. Were revisions handed out
        // without the change lock, b would take the next number and commit first, and a watcher that saw b's number
        // would skip a's change for good.
        var paused = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = await OpenAsync("a", configure: o => o with
        {
            BeforeCommit = async (revision, token) =>
            {
                paused.TrySetResult(revision);
                await release.Task.WaitAsync(token);
            },
        });
        var b = await OpenAsync("b");
        var watcher = await OpenAsync("c");
        var watch = await WatchAsync(watcher, "/order/");

        var first = Task.Run(async () => await a.PutAsync(NewItem("/order/a", "first"), Ct));
        var firstRevision = await paused.Task.WaitAsync(Deadline, Ct);
        var second = Task.Run(async () => await b.PutAsync(NewItem("/order/b", "second"), Ct));
        await WaitUntilAsync(async () => await Cluster.AdminScalarAsync<long>("postgres", """
            SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ferry-b' AND wait_event_type = 'Lock' AND wait_event = 'advisory';
            """) == 1, "writer b waits for the change lock");
        Assert.False(second.IsCompleted);

        release.SetResult();
        var (firstItem, secondItem) = (await first, await second);

        Assert.Equal(firstRevision, firstItem.Revision);
        Assert.True(secondItem.Revision > firstItem.Revision);
        var events = new[] { await NextAsync(watch), await NextAsync(watch) };
        Assert.Equal([("/order/a", firstItem.Revision), ("/order/b", secondItem.Revision)], events.Select(e => (e.Item.Key, e.Item.Revision)));
    }

    [Fact]
    public async Task Watch_ManyWritersOnTwoInstances_AThirdSeesEveryChangeOnceInRevisionOrder()
    {
        var a = await OpenAsync("a");
        var b = await OpenAsync("b");
        var watcher = await OpenAsync("c");
        var watch = await WatchAsync(watcher, "/many/");

        var written = await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var items = new List<Item>();
            for (var i = 0; i < 25; i++)
            {
                items.Add(await (w % 2 == 0 ? a : b).PutAsync(NewItem($"/many/{w}", i.ToString(CultureInfo.InvariantCulture)), Ct));
            }

            return items;
        })));

        var expected = written.SelectMany(items => items).Select(i => i.Revision).Order().ToList();
        var seen = new List<long>();
        while (seen.Count < expected.Count)
        {
            seen.Add((await NextAsync(watch)).Item.Revision);
        }

        Assert.Equal(expected, seen);
    }
}
