using Ferry.Core.Errors;

namespace Ferry.Storage.Tests.Compliance;

public abstract partial class BackendComplianceTests
{
    [Fact]
    public async Task GetRange_ReturnsItemsInKeyOrder()
    {
        foreach (var key in new[] { "/r/c", "/r/a", "/r/d", "/r/b" })
        {
            await Backend.PutAsync(NewItem(key, key), Ct);
        }

        var (start, end) = KeyRange.Prefix("/r/");
        var items = await Backend.GetRangeAsync(start, end, 0, Ct);

        Assert.Equal(["/r/a", "/r/b", "/r/c", "/r/d"], items.Select(i => i.Key));
        Assert.All(items, i => Assert.Equal(i.Key, Text(i)));
    }

    [Fact]
    public async Task GetRange_Limit_ReturnsFirstItems()
    {
        for (var i = 0; i < 5; i++)
        {
            await Backend.PutAsync(NewItem($"/r/{i}", "v"), Ct);
        }

        var (start, end) = KeyRange.Prefix("/r/");
        var items = await Backend.GetRangeAsync(start, end, 2, Ct);

        Assert.Equal(["/r/0", "/r/1"], items.Select(i => i.Key));
    }

    [Fact]
    public async Task GetRange_Prefix_ExcludesSiblingsThatShareCharacters()
    {
        foreach (var key in new[] { "/a", "/a/", "/a/x", "/a/y/z", "/ab", "/ab/x", "/a0", "/b" })
        {
            await Backend.PutAsync(NewItem(key, "v"), Ct);
        }

        var (start, end) = KeyRange.Prefix("/a/");
        var items = await Backend.GetRangeAsync(start, end, 0, Ct);

        Assert.Equal(["/a/", "/a/x", "/a/y/z"], items.Select(i => i.Key));
    }

    [Fact]
    public async Task GetRange_StartInclusiveEndExclusive()
    {
        foreach (var key in new[] { "/k/1", "/k/2", "/k/3" })
        {
            await Backend.PutAsync(NewItem(key, "v"), Ct);
        }

        var items = await Backend.GetRangeAsync("/k/1", "/k/3", 0, Ct);

        Assert.Equal(["/k/1", "/k/2"], items.Select(i => i.Key));
    }

    [Fact]
    public async Task GetRange_OrdersOrdinally()
    {
        // Upper case before lower case, punctuation by code point, non-ASCII after ASCII: ordinal, not culture order.
        string[] keys = ["/o/b", "/o/B", "/o/a", "/o/Z", "/o/-", "/o/~", "/o/é", "/o/z", "/o/a-b", "/o/a/b", "/o/\u4e2d"];
        foreach (var key in keys)
        {
            await Backend.PutAsync(NewItem(key, "v"), Ct);
        }

        var (start, end) = KeyRange.Prefix("/o/");
        var items = await Backend.GetRangeAsync(start, end, 0, Ct);

        Assert.Equal(keys.Order(StringComparer.Ordinal), items.Select(i => i.Key));
    }

    [Fact]
    public async Task GetRange_EmptyPrefix_ReadsEverything()
    {
        await Backend.PutAsync(NewItem("/a", "v"), Ct);
        await Backend.PutAsync(NewItem("/z/z", "v"), Ct);
        await Backend.PutAsync(NewItem("/\u00ff", "v"), Ct);

        var (start, end) = KeyRange.Prefix("");
        var items = await Backend.GetRangeAsync(start, end, 0, Ct);

        Assert.Equal(["/a", "/z/z", "/\u00ff"], items.Select(i => i.Key));
    }

    [Fact]
    public async Task GetRange_NothingInRange_ReturnsEmpty()
    {
        await Backend.PutAsync(NewItem("/other", "v"), Ct);

        var (start, end) = KeyRange.Prefix("/r/");

        Assert.Empty(await Backend.GetRangeAsync(start, end, 0, Ct));
    }

    [Fact]
    public async Task GetRange_NegativeLimit_ThrowsBadParameter()
    {
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Backend.GetRangeAsync("/a", "/b", -1, Ct));
    }

    [Fact]
    public async Task DeleteRange_RemovesOnlyKeysInRange()
    {
        foreach (var key in new[] { "/a/1", "/a/2", "/ab", "/b/1" })
        {
            await Backend.PutAsync(NewItem(key, "v"), Ct);
        }

        var (start, end) = KeyRange.Prefix("/a/");
        await Backend.DeleteRangeAsync(start, end, Ct);

        var (allStart, allEnd) = KeyRange.Prefix("");
        var remaining = await Backend.GetRangeAsync(allStart, allEnd, 0, Ct);
        Assert.Equal(["/ab", "/b/1"], remaining.Select(i => i.Key));
    }

    [Fact]
    public async Task DeleteRange_EmptyRange_Succeeds()
    {
        var (start, end) = KeyRange.Prefix("/nothing/");

        await Backend.DeleteRangeAsync(start, end, Ct);

        Assert.Empty(await Backend.GetRangeAsync(start, end, 0, Ct));
    }
}
