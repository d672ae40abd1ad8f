using System.Buffers.Text;
using System.Text;
using Ferry.Core.Errors;
using Ferry.Storage.Audit;

namespace Ferry.Storage.Tests.Compliance;

public abstract partial class AuditStoreComplianceTests
{
    [Theory]
    [InlineData(AuditOrder.Descending)]
    [InlineData(AuditOrder.Ascending)]
    public async Task Paging_ManyEventsAtTheSameTime_ReturnsEachExactlyOnceInOrder(AuditOrder order)
    {
        // 250 events on 4 distinct times: most pages start and end inside a run of equal times.
        var records = Enumerable.Range(0, 250).Select(i => Record(Guid.NewGuid().ToString(), T0.AddSeconds(i % 4))).ToList();
        await Store.AppendAsync(records, Ct);

        var (read, pages) = await ReadAllAsync(new AuditQuery { Limit = 7, Order = order });

        Assert.Equal(records.Select(r => r.Id).Order(StringComparer.Ordinal), read.Select(r => r.Id).Order(StringComparer.Ordinal));
        Assert.Equal(36, pages); // 35 full pages and one of 5
        var expected = order == AuditOrder.Descending
            ? records.OrderByDescending(r => r.Time).ThenByDescending(r => r.Id, StringComparer.Ordinal)
            : records.OrderBy(r => r.Time).ThenBy(r => r.Id, StringComparer.Ordinal);
        Assert.Equal(expected.Select(r => r.Id), read.Select(r => r.Id));
    }

    [Fact]
    public async Task Paging_WithFilters_PagesOnlyTheMatches()
    {
        var records = Enumerable.Range(0, 60)
            .Select(i => Record($"e{i:D2}", T0.AddSeconds(i / 10), i % 3 == 0 ? "user.login" : "user.create", i % 2 == 0 ? "alice" : "bob"))
            .ToList();
        await Store.AppendAsync(records, Ct);

        var (read, _) = await ReadAllAsync(new AuditQuery { Types = ["user.login"], User = "alice", From = T0.AddSeconds(1), Limit = 2 });

        var expected = records.Where(r => r.Type == "user.login" && r.User == "alice" && r.Time >= T0.AddSeconds(1))
            .OrderByDescending(r => r.Time).ThenByDescending(r => r.Id, StringComparer.Ordinal).Select(r => r.Id);
        Assert.Equal(expected, read.Select(r => r.Id));
    }

    [Theory]
    [InlineData(AuditOrder.Descending)]
    [InlineData(AuditOrder.Ascending)]
    public async Task Paging_ByServiceAndOperation_FullPagesOfOnlyTheMatches_EachOnce(AuditOrder order)
    {
        // 120 events on 3 times, 28 of them s3 PutObject, interleaved with the rest: every full page must be
        // filled from the matches alone, and pages start and end inside runs of equal times.
        string[] operations = ["PutObject", "GetObject", "GetItem"];
        var records = Enumerable.Range(0, 120)
            .Select(i => AwsRecord($"e{i:D3}", T0.AddSeconds(i % 3), i % 3 == 2 ? "dynamodb" : "s3", operations[i / 3 % 3]))
            .ToList();
        await Store.AppendAsync(records, Ct);

        var (read, pages) = await ReadAllAsync(new AuditQuery { Services = ["s3"], Operations = ["PutObject"], Limit = 5, Order = order });

        var matching = records.Where(r => r.Service == "s3" && r.Operation == "PutObject");
        var expected = order == AuditOrder.Descending
            ? matching.OrderByDescending(r => r.Time).ThenByDescending(r => r.Id, StringComparer.Ordinal)
            : matching.OrderBy(r => r.Time).ThenBy(r => r.Id, StringComparer.Ordinal);
        Assert.Equal(expected.Select(r => r.Id), read.Select(r => r.Id));
        Assert.Equal(28, read.Count);
        Assert.Equal(6, pages); // 5 full pages and one of 3
    }

    [Fact]
    public async Task Paging_EventsAppendedBetweenPages_NeverRepeatOrSkipAnEarlierEvent()
    {
        var original = Records(50, T0, "old-");
        await Store.AppendAsync(original, Ct);
        var seen = new List<string>();
        string? cursor = null;
        var round = 0;
        do
        {
            var page = await Store.SearchAsync(new AuditQuery { Limit = 6, Cursor = cursor }, Ct);
            seen.AddRange(page.Records.Select(r => r.Id));
            cursor = page.NextCursor;

            // Between pages: newer events, and events at the very time being paged through, whose ids sort on both
            // sides of the cursor.
            await Store.AppendAsync(
            [
                Record($"newer-{round}", T0.AddSeconds(1 + round)),
                Record($"new-{round}", T0),
                Record($"zzz-{round}", T0),
            ], Ct);
            round++;
        }
        while (cursor is not null);

        Assert.Equal(seen.Count, seen.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(original.Select(r => r.Id).Order(StringComparer.Ordinal), seen.Where(id => id.StartsWith("old-", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(seen, id => id.StartsWith("newer-", StringComparison.Ordinal));
        Assert.DoesNotContain(seen, id => id.StartsWith("zzz-", StringComparison.Ordinal)); // above the cursor in a descending read
    }

    [Fact]
    public async Task Paging_LastPage_HasNoCursor()
    {
        await Store.AppendAsync(Records(4, T0), Ct);

        var first = await Store.SearchAsync(new AuditQuery { Limit = 2 }, Ct);
        var second = await Store.SearchAsync(new AuditQuery { Limit = 2, Cursor = first.NextCursor }, Ct);
        var onlyLast = await Store.SearchAsync(new AuditQuery { Limit = 3, Cursor = first.NextCursor }, Ct);

        Assert.Equal(["r0003", "r0002"], first.Records.Select(r => r.Id));
        Assert.Equal(["r0001", "r0000"], second.Records.Select(r => r.Id));
        Assert.Null(second.NextCursor);
        Assert.Equal(2, onlyLast.Records.Count);
        Assert.Null(onlyLast.NextCursor);
    }

    [Fact]
    public async Task Paging_CursorIsOpaque_AndNamesNoFilters()
    {
        await Store.AppendAsync([Record("a", T0, user: "alice"), Record("b", T0, user: "bob"), Record("c", T0, user: "alice")], Ct);

        var first = await Store.SearchAsync(new AuditQuery { Limit = 1, User = "alice" }, Ct);

        Assert.NotNull(first.NextCursor);
        Assert.DoesNotContain("alice", first.NextCursor, StringComparison.Ordinal);
        Assert.Equal(["a"], (await Store.SearchAsync(new AuditQuery { Limit = 5, User = "alice", Cursor = first.NextCursor }, Ct)).Records.Select(r => r.Id));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a cursor!")]
    [InlineData("%%%")]
    [InlineData("AAAA")]
    [InlineData("2:1:abc")]
    [InlineData("1:notanumber:abc")]
    [InlineData("1:123:")]
    [InlineData("1:123")]
    public async Task Search_BadCursor_ThrowsBadParameterSayingWhatToDo(string cursor)
    {
        // Plain-text cases are encoded the way real cursors are, so the check under test is the content, not base64.
        var wire = cursor.StartsWith("1:", StringComparison.Ordinal) || cursor.StartsWith("2:", StringComparison.Ordinal)
            ? Base64Url.EncodeToString(Encoding.UTF8.GetBytes(cursor))
            : cursor;
        await Store.AppendAsync(Records(3, T0), Ct);

        var exception = await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(new AuditQuery { Cursor = wire }, Ct));

        Assert.Contains("cursor", exception.Message, StringComparison.Ordinal);
        Assert.Contains("next_cursor", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Search_TruncatedCursor_ThrowsBadParameter()
    {
        await Store.AppendAsync(Records(3, T0), Ct);
        var cursor = (await Store.SearchAsync(new AuditQuery { Limit = 1 }, Ct)).NextCursor!;

        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Store.SearchAsync(new AuditQuery { Cursor = cursor[..^3] + "!" }, Ct));
    }

    /// <summary>Follows NextCursor to the end; returns every record read and how many pages it took.</summary>
    protected async Task<(List<AuditRecord> Records, int Pages)> ReadAllAsync(AuditQuery query)
    {
        var records = new List<AuditRecord>();
        var pages = 0;
        string? cursor = null;
        do
        {
            var page = await Store.SearchAsync(query with { Cursor = cursor }, Ct);
            Assert.True(page.Records.Count <= query.Limit);
            Assert.True(page.NextCursor is null || page.Records.Count == query.Limit, "a page before the last must be full");
            records.AddRange(page.Records);
            cursor = page.NextCursor;
            pages++;
            Assert.True(pages <= 10_000, "paging does not end");
        }
        while (cursor is not null);

        return (records, pages);
    }
}
