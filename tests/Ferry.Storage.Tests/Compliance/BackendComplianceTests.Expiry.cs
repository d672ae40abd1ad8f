using Ferry.Core.Errors;

namespace Ferry.Storage.Tests.Compliance;

public abstract partial class BackendComplianceTests
{
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Get_BeforeExpiry_ReturnsItemWithExpiry()
    {
        var expires = Time.GetUtcNow() + Ttl;
        var put = await Backend.PutAsync(NewItem("/k", "v", expires), Ct);

        PassExpiry(Ttl / 2);
        var read = await Backend.GetAsync("/k", Ct);

        Assert.NotNull(read);
        Assert.Equal(expires, read.Expires);
        Assert.Equal(expires, put.Expires);
    }

    [Fact]
    public async Task Get_AfterExpiry_ReturnsNull()
    {
        await Backend.PutAsync(NewItem("/k", "v", Time.GetUtcNow() + Ttl), Ct);

        PassExpiry(Ttl + TimeSpan.FromSeconds(1));

        Assert.Null(await Backend.GetAsync("/k", Ct));
    }

    [Fact]
    public async Task Create_OverExpiredItem_Succeeds()
    {
        await Backend.PutAsync(NewItem("/k", "old", Time.GetUtcNow() + Ttl), Ct);
        PassExpiry(Ttl + TimeSpan.FromSeconds(1));

        await Backend.CreateAsync(NewItem("/k", "new"), Ct);

        var read = await Backend.GetAsync("/k", Ct);
        Assert.Equal("new", Text(read!));
        Assert.Null(read!.Expires);
    }

    [Fact]
    public async Task Update_ExpiredItem_ThrowsNotFound()
    {
        await Backend.PutAsync(NewItem("/k", "old", Time.GetUtcNow() + Ttl), Ct);
        PassExpiry(Ttl + TimeSpan.FromSeconds(1));

        await AssertFailsAsync(ErrorKind.NotFound, async () => await Backend.UpdateAsync(NewItem("/k", "new"), Ct));

        Assert.Null(await Backend.GetAsync("/k", Ct));
    }

    [Fact]
    public async Task Delete_ExpiredItem_ThrowsNotFound()
    {
        await Backend.PutAsync(NewItem("/k", "v", Time.GetUtcNow() + Ttl), Ct);
        PassExpiry(Ttl + TimeSpan.FromSeconds(1));

        await AssertFailsAsync(ErrorKind.NotFound, async () => await Backend.DeleteAsync("/k", Ct));
    }

    [Fact]
    public async Task CompareAndSwap_ExpiredItem_ThrowsNotFound()
    {
        await Backend.PutAsync(NewItem("/k", "old", Time.GetUtcNow() + Ttl), Ct);
        PassExpiry(Ttl + TimeSpan.FromSeconds(1));

        await AssertFailsAsync(ErrorKind.NotFound,
            async () => await Backend.CompareAndSwapAsync(NewItem("/k", "old"), NewItem("/k", "new"), Ct));

        Assert.Null(await Backend.GetAsync("/k", Ct));
    }

    [Fact]
    public async Task GetRange_SkipsExpiredItems()
    {
        await Backend.PutAsync(NewItem("/r/a", "v"), Ct);
        await Backend.PutAsync(NewItem("/r/b", "v", Time.GetUtcNow() + Ttl), Ct);
        await Backend.PutAsync(NewItem("/r/c", "v", Time.GetUtcNow() + (Ttl * 3)), Ct);

        PassExpiry(Ttl + TimeSpan.FromSeconds(1));

        var (start, end) = KeyRange.Prefix("/r/");
        Assert.Equal(["/r/a", "/r/c"], (await Backend.GetRangeAsync(start, end, 0, Ct)).Select(i => i.Key));
        Assert.Equal(["/r/a"], (await Backend.GetRangeAsync(start, end, 1, Ct)).Select(i => i.Key));
    }

    [Fact]
    public async Task AtomicWrite_ConditionsTreatExpiredItemAsAbsent()
    {
        var expiring = await Backend.PutAsync(NewItem("/x/k", "v", Time.GetUtcNow() + Ttl), Ct);
        PassExpiry(Ttl + TimeSpan.FromSeconds(1));

        await AssertFailsAsync(ErrorKind.CompareFailed, async () => await Backend.AtomicWriteAsync(
            [new Condition.MustExist("/x/k")], [new WriteAction.Put(NewItem("/x/other", "v"))], Ct));
        await AssertFailsAsync(ErrorKind.CompareFailed, async () => await Backend.AtomicWriteAsync(
            [new Condition.RevisionIs("/x/k", expiring.Revision)], [new WriteAction.Put(NewItem("/x/other", "v"))], Ct));
        await Backend.AtomicWriteAsync([new Condition.MustNotExist("/x/k")], [new WriteAction.Put(NewItem("/x/k", "fresh"))], Ct);

        Assert.Equal("fresh", Text((await Backend.GetAsync("/x/k", Ct))!));
        Assert.Null(await Backend.GetAsync("/x/other", Ct));
    }

    [Fact]
    public async Task Put_WithoutExpiry_ClearsEarlierExpiry()
    {
        await Backend.PutAsync(NewItem("/k", "v", Time.GetUtcNow() + Ttl), Ct);

        await Backend.PutAsync(NewItem("/k", "forever"), Ct);
        PassExpiry(Ttl * 2);

        Assert.Equal("forever", Text((await Backend.GetAsync("/k", Ct))!));
    }

    [Fact]
    public async Task Sweep_RemovesExpiredItemsForGood()
    {
        await Backend.PutAsync(NewItem("/k", "v", Time.GetUtcNow() + Ttl), Ct);
        await using var watch = await StartWatchAsync([], Ct);

        Time.Advance(Ttl + TimeSpan.FromSeconds(1));
        var deleted = await NextWhileAdvancingAsync(watch);

        Assert.Equal(BackendEventType.Delete, deleted.Type);
        Assert.Null(await Backend.GetAsync("/k", Ct));
        await AssertFailsAsync(ErrorKind.NotFound, async () => await Backend.DeleteAsync("/k", Ct));
    }

    /// <summary>
    /// Moves the clock without firing timers, so no sweeper runs and the expired rows are still stored: the test then
    /// shows that reads and writes treat them as absent by themselves, as the contract requires.
    /// </summary>
    protected void PassExpiry(TimeSpan by) => Time.AdjustTime(Time.GetUtcNow() + by);
}
