using System.Diagnostics;
using Ferry.Core.Errors;

namespace Ferry.Storage.Tests.Compliance;

public abstract partial class BackendComplianceTests
{
    [Fact]
    public async Task Watch_FirstEventIsInit()
    {
        await Backend.PutAsync(NewItem("/w/before", "v"), Ct);

        await using var watch = Backend.WatchAsync([], Ct).GetAsyncEnumerator(Ct);

        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(EventTimeout, Ct));
        Assert.Equal(BackendEventType.Init, watch.Current.Type);
    }

    [Fact]
    public async Task Watch_DeliversPutsAndDeletesInRevisionOrder()
    {
        await using var watch = await StartWatchAsync([], Ct);

        var a = await Backend.PutAsync(NewItem("/w/a", "1"), Ct);
        var b = await Backend.CreateAsync(NewItem("/w/b", "2"), Ct);
        var a2 = await Backend.UpdateAsync(NewItem("/w/a", "3"), Ct);
        await Backend.DeleteAsync("/w/b", Ct);

        var events = await NextEventsAsync(watch, 4);
        Assert.Equal(
            [(BackendEventType.Put, "/w/a"), (BackendEventType.Put, "/w/b"), (BackendEventType.Put, "/w/a"), (BackendEventType.Delete, "/w/b")],
            events.Select(e => (e.Type, e.Item.Key)));
        Assert.Equal(["1", "2", "3"], events.Take(3).Select(e => Text(e.Item)));
        Assert.Equal([a.Revision, b.Revision, a2.Revision], events.Take(3).Select(e => e.Item.Revision));
        Assert.True(events[3].Item.Revision > a2.Revision);
    }

    [Fact]
    public async Task Watch_FailedWrites_DeliverNothing()
    {
        await Backend.PutAsync(NewItem("/w/a", "v"), Ct);
        await using var watch = await StartWatchAsync([], Ct);

        await AssertFailsAsync(ErrorKind.AlreadyExists, async () => await Backend.CreateAsync(NewItem("/w/a", "x"), Ct));
        await AssertFailsAsync(ErrorKind.NotFound, async () => await Backend.UpdateAsync(NewItem("/w/missing", "x"), Ct));
        await AssertFailsAsync(ErrorKind.CompareFailed,
            async () => await Backend.CompareAndSwapAsync(NewItem("/w/a", "wrong"), NewItem("/w/a", "x"), Ct));
        await AssertFailsAsync(ErrorKind.CompareFailed, async () => await Backend.AtomicWriteAsync(
            [new Condition.MustNotExist("/w/a")], [new WriteAction.Put(NewItem("/w/b", "x"))], Ct));
        await Backend.PutAsync(NewItem("/w/marker", "v"), Ct);

        var next = await NextAsync(watch);
        Assert.Equal("/w/marker", next.Item.Key);
    }

    [Fact]
    public async Task Watch_Prefix_DeliversOnlyMatchingKeys()
    {
        await using var watch = await StartWatchAsync(["/a/"], Ct);

        foreach (var key in new[] { "/ab", "/a", "/b/x", "/a/x", "/ab/y", "/a/y/z" })
        {
            await Backend.PutAsync(NewItem(key, "v"), Ct);
        }

        Assert.Equal(["/a/x", "/a/y/z"], (await NextEventsAsync(watch, 2)).Select(e => e.Item.Key));
        await Backend.PutAsync(NewItem("/a/marker", "v"), Ct);
        Assert.Equal("/a/marker", (await NextAsync(watch)).Item.Key);
    }

    [Fact]
    public async Task Watch_SeveralPrefixes_DeliversKeysUnderAny()
    {
        await using var watch = await StartWatchAsync(["/a/", "/c/"], Ct);

        foreach (var key in new[] { "/a/1", "/b/1", "/c/1", "/d/1", "/a/2" })
        {
            await Backend.PutAsync(NewItem(key, "v"), Ct);
        }

        Assert.Equal(["/a/1", "/c/1", "/a/2"], (await NextEventsAsync(watch, 3)).Select(e => e.Item.Key));
    }

    [Fact]
    public async Task Watch_AtomicWrite_DeliversEveryChangeWithItsRevision()
    {
        await Backend.PutAsync(NewItem("/x/0", "v"), Ct);
        await using var watch = await StartWatchAsync(["/x/"], Ct);

        var revision = await Backend.AtomicWriteAsync(
            [], [new WriteAction.Put(NewItem("/x/1", "v")), new WriteAction.Put(NewItem("/x/2", "v")), new WriteAction.Delete("/x/0")], Ct);

        var events = await NextEventsAsync(watch, 3);
        Assert.Equal(
            [(BackendEventType.Delete, "/x/0"), (BackendEventType.Put, "/x/1"), (BackendEventType.Put, "/x/2")],
            events.OrderBy(e => e.Item.Key, StringComparer.Ordinal).Select(e => (e.Type, e.Item.Key)));
        Assert.All(events, e => Assert.Equal(revision, e.Item.Revision));
    }

    [Fact]
    public async Task Watch_DeleteRange_DeliversDeleteForEachKey()
    {
        foreach (var key in new[] { "/d/1", "/d/2", "/e/1" })
        {
            await Backend.PutAsync(NewItem(key, "v"), Ct);
        }

        await using var watch = await StartWatchAsync([], Ct);
        var (start, end) = KeyRange.Prefix("/d/");
        await Backend.DeleteRangeAsync(start, end, Ct);
        await Backend.PutAsync(NewItem("/marker", "v"), Ct);

        var events = await NextEventsAsync(watch, 3);
        Assert.Equal(["/d/1", "/d/2"], events.Take(2).Select(e => e.Item.Key).Order(StringComparer.Ordinal));
        Assert.All(events.Take(2), e => Assert.Equal(BackendEventType.Delete, e.Type));
        Assert.Equal("/marker", events[2].Item.Key);
    }

    [Fact]
    public async Task Watch_Expiry_DeliversDelete()
    {
        var put = await Backend.PutAsync(NewItem("/t/k", "v", Time.GetUtcNow() + TimeSpan.FromSeconds(5)), Ct);
        await Backend.PutAsync(NewItem("/u/k", "v", Time.GetUtcNow() + TimeSpan.FromSeconds(5)), Ct);
        await using var watch = await StartWatchAsync(["/t/"], Ct);

        Time.Advance(TimeSpan.FromSeconds(6));
        var deleted = await NextWhileAdvancingAsync(watch);

        Assert.Equal(BackendEventType.Delete, deleted.Type);
        Assert.Equal("/t/k", deleted.Item.Key);
        Assert.True(deleted.Item.Revision > put.Revision);
    }

    [Fact]
    public async Task Watch_TwoWatchers_EachSeesEveryEvent()
    {
        await using var first = await StartWatchAsync([], Ct);
        await using var second = await StartWatchAsync(["/w/"], Ct);

        await Backend.PutAsync(NewItem("/w/a", "v"), Ct);

        Assert.Equal("/w/a", (await NextAsync(first)).Item.Key);
        Assert.Equal("/w/a", (await NextAsync(second)).Item.Key);
    }

    [Fact]
    public async Task Watch_ParallelWriters_EventsArriveInRevisionOrder()
    {
        const int writes = 40;
        await using var watch = await StartWatchAsync([], Ct);

        await Task.WhenAll(Enumerable.Range(0, writes).Select(i => Task.Run(async () => await Backend.PutAsync(NewItem($"/p/{i}", "v"), Ct))));

        var revisions = (await NextEventsAsync(watch, writes)).Select(e => e.Item.Revision).ToList();
        Assert.Equal(revisions.Order(), revisions);
        Assert.Equal(writes, revisions.Distinct().Count());
    }

    [Fact]
    public async Task Watch_Cancelled_EndsEnumerationWithoutError()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        await using var watch = Backend.WatchAsync([], cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(EventTimeout, Ct));

        var pending = watch.MoveNextAsync().AsTask();
        await cancel.CancelAsync();

        Assert.False(await pending.WaitAsync(EventTimeout, Ct));
        await Backend.PutAsync(NewItem("/after", "v"), Ct);
    }

    [Fact]
    public async Task Watch_SlowConsumer_EndsWithUnavailableWithoutBlockingWriters()
    {
        await using var slow = await StartWatchAsync([], Ct);

        // The writes must all finish although nobody reads the watch.
        for (var i = 0; i < WatchOverflowWrites; i++)
        {
            await Backend.PutAsync(NewItem($"/s/{i % 16}", "v"), Ct);
        }

        await AssertFailsAsync(ErrorKind.Unavailable, async () =>
        {
            for (var i = 0; i <= WatchOverflowWrites; i++)
            {
                Assert.True(await slow.MoveNextAsync().AsTask().WaitAsync(EventTimeout, Ct), "the watch ended without an error");
            }
        });

        // A new watch works: the overflow closed one consumer, not the backend.
        await using var fresh = await StartWatchAsync([], Ct);
        await Backend.PutAsync(NewItem("/s/marker", "v"), Ct);
        Assert.Equal("/s/marker", (await NextAsync(fresh)).Item.Key);
    }

    /// <summary>Starts a watch and consumes its Init, after which every later change is delivered.</summary>
    protected async Task<IAsyncEnumerator<BackendEvent>> StartWatchAsync(IReadOnlyCollection<string> prefixes, CancellationToken cancellationToken)
    {
        var watch = Backend.WatchAsync(prefixes, cancellationToken).GetAsyncEnumerator(cancellationToken);
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(EventTimeout, Ct), "the watch ended before Init");
        Assert.Equal(BackendEventType.Init, watch.Current.Type);
        return watch;
    }

    protected async Task<BackendEvent> NextAsync(IAsyncEnumerator<BackendEvent> watch)
    {
        Assert.True(await watch.MoveNextAsync().AsTask().WaitAsync(EventTimeout, Ct), "the watch ended");
        return watch.Current;
    }

    protected async Task<List<BackendEvent>> NextEventsAsync(IAsyncEnumerator<BackendEvent> watch, int count)
    {
        var events = new List<BackendEvent>(count);
        for (var i = 0; i < count; i++)
        {
            events.Add(await NextAsync(watch));
        }

        return events;
    }

    /// <summary>
    /// Waits for the next event while moving the fake clock a second at a time, so a backend's expiry sweeper,
    /// whatever its interval, gets the ticks it needs.
    /// </summary>
    protected async Task<BackendEvent> NextWhileAdvancingAsync(IAsyncEnumerator<BackendEvent> watch)
    {
        var next = watch.MoveNextAsync().AsTask();
        var waited = Stopwatch.StartNew();
        while (!next.IsCompleted && waited.Elapsed < EventTimeout)
        {
            Time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(next, Task.Delay(TimeSpan.FromMilliseconds(20), Ct));
        }

        Assert.True(await next.WaitAsync(EventTimeout, Ct), "the watch ended");
        return watch.Current;
    }
}
