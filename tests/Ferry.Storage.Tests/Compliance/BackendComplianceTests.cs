using System.Text;
using Ferry.Core.Errors;

namespace Ferry.Storage.Tests.Compliance;

/// <summary>
/// The contract of <see cref="IBackend"/>, written once. Every backend gets a test class that inherits this one and
/// says how to open a fresh, empty backend on a given clock; the facts here then run against it. They use IBackend
/// only, so a backend passes by behaving as the contract says, not by sharing SQLite's internals.
///
/// Files by area: this one (setup, helpers, single-key operations), .Range, .Atomic, .Expiry, .Watch, .Concurrency.
/// </summary>
public abstract partial class BackendComplianceTests : StoreComplianceTests<IBackend>
{
    private static readonly TimeSpan EventTimeout = TimeSpan.FromSeconds(10);

    protected IBackend Backend => Opened;

    /// <summary>Writes that certainly overflow one watcher's buffer; a backend with a small test buffer may lower it.</summary>
    protected virtual int WatchOverflowWrites => 5000;

    /// <summary>Opens a new, empty backend whose expiry and sweeping follow <paramref name="time"/>.</summary>
    protected abstract Task<IBackend> CreateBackendAsync(TimeProvider time);

    protected sealed override Task<IBackend> OpenStoreAsync(TimeProvider time) => CreateBackendAsync(time);

    [Fact]
    public async Task Get_Missing_ReturnsNull()
    {
        Assert.Null(await Backend.GetAsync("/missing", Ct));
    }

    [Fact]
    public async Task Create_ThenGet_ReturnsValueAndRevision()
    {
        var created = await Backend.CreateAsync(NewItem("/users/alice", "v1"), Ct);

        var read = await Backend.GetAsync("/users/alice", Ct);

        Assert.NotNull(read);
        Assert.Equal("v1", Text(read));
        Assert.True(created.Revision > 0);
        Assert.Equal(created.Revision, read.Revision);
        Assert.Equal("v1", Text(created));
    }

    [Fact]
    public async Task Create_Existing_ThrowsAlreadyExistsAndKeepsValue()
    {
        await Backend.CreateAsync(NewItem("/k", "first"), Ct);

        await AssertFailsAsync(ErrorKind.AlreadyExists, async () => await Backend.CreateAsync(NewItem("/k", "second"), Ct));

        Assert.Equal("first", Text((await Backend.GetAsync("/k", Ct))!));
    }

    [Fact]
    public async Task Put_InsertsThenReplaces_WithGrowingRevisions()
    {
        var first = await Backend.PutAsync(NewItem("/k", "1"), Ct);
        var other = await Backend.PutAsync(NewItem("/other", "x"), Ct);
        var second = await Backend.PutAsync(NewItem("/k", "2"), Ct);

        // Revisions are global: a write to another key in between still moves the counter.
        Assert.True(first.Revision < other.Revision);
        Assert.True(other.Revision < second.Revision);
        var read = await Backend.GetAsync("/k", Ct);
        Assert.Equal("2", Text(read!));
        Assert.Equal(second.Revision, read!.Revision);
    }

    [Fact]
    public async Task Update_Missing_ThrowsNotFoundAndCreatesNothing()
    {
        await AssertFailsAsync(ErrorKind.NotFound, async () => await Backend.UpdateAsync(NewItem("/k", "v"), Ct));

        Assert.Null(await Backend.GetAsync("/k", Ct));
    }

    [Fact]
    public async Task Update_Existing_ReplacesValueAndRaisesRevision()
    {
        var created = await Backend.CreateAsync(NewItem("/k", "old"), Ct);

        var updated = await Backend.UpdateAsync(NewItem("/k", "new"), Ct);

        Assert.True(updated.Revision > created.Revision);
        Assert.Equal("new", Text((await Backend.GetAsync("/k", Ct))!));
    }

    [Fact]
    public async Task Delete_Existing_RemovesKey()
    {
        await Backend.PutAsync(NewItem("/k", "v"), Ct);

        await Backend.DeleteAsync("/k", Ct);

        Assert.Null(await Backend.GetAsync("/k", Ct));
    }

    [Fact]
    public async Task Delete_Missing_ThrowsNotFound()
    {
        await AssertFailsAsync(ErrorKind.NotFound, async () => await Backend.DeleteAsync("/missing", Ct));
    }

    [Fact]
    public async Task CompareAndSwap_Matching_ReplacesValue()
    {
        var original = await Backend.PutAsync(NewItem("/k", "old"), Ct);

        var swapped = await Backend.CompareAndSwapAsync(NewItem("/k", "old"), NewItem("/k", "new"), Ct);

        Assert.True(swapped.Revision > original.Revision);
        Assert.Equal("new", Text((await Backend.GetAsync("/k", Ct))!));
    }

    [Fact]
    public async Task CompareAndSwap_Mismatch_ThrowsCompareFailedAndKeepsValue()
    {
        await Backend.PutAsync(NewItem("/k", "actual"), Ct);

        await AssertFailsAsync(ErrorKind.CompareFailed,
            async () => await Backend.CompareAndSwapAsync(NewItem("/k", "stale"), NewItem("/k", "new"), Ct));

        Assert.Equal("actual", Text((await Backend.GetAsync("/k", Ct))!));
    }

    [Fact]
    public async Task CompareAndSwap_PrefixOfStoredValue_ThrowsCompareFailed()
    {
        // Byte-for-byte: a value that is only a prefix of the stored one is not equal to it.
        await Backend.PutAsync(NewItem("/k", "abc"), Ct);

        await AssertFailsAsync(ErrorKind.CompareFailed,
            async () => await Backend.CompareAndSwapAsync(NewItem("/k", "ab"), NewItem("/k", "new"), Ct));
    }

    [Fact]
    public async Task CompareAndSwap_Missing_ThrowsNotFound()
    {
        await AssertFailsAsync(ErrorKind.NotFound,
            async () => await Backend.CompareAndSwapAsync(NewItem("/k", "old"), NewItem("/k", "new"), Ct));

        Assert.Null(await Backend.GetAsync("/k", Ct));
    }

    [Fact]
    public async Task CompareAndSwap_DifferentKeys_ThrowsBadParameter()
    {
        await Backend.PutAsync(NewItem("/a", "v"), Ct);

        await AssertFailsAsync(ErrorKind.BadParameter,
            async () => await Backend.CompareAndSwapAsync(NewItem("/a", "v"), NewItem("/b", "v"), Ct));
    }

    [Fact]
    public async Task Put_EmptyKey_ThrowsBadParameter()
    {
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Backend.PutAsync(NewItem("", "v"), Ct));
    }

    [Fact]
    public async Task Put_EmptyValue_RoundTripsAndCompares()
    {
        await Backend.PutAsync(Item.Create("/empty", ReadOnlyMemory<byte>.Empty), Ct);

        var read = await Backend.GetAsync("/empty", Ct);
        Assert.NotNull(read);
        Assert.Equal(0, read.Value.Length);
        await Backend.CompareAndSwapAsync(Item.Create("/empty", ReadOnlyMemory<byte>.Empty), NewItem("/empty", "full"), Ct);
        Assert.Equal("full", Text((await Backend.GetAsync("/empty", Ct))!));
    }

    [Fact]
    public async Task Put_BinaryValue_RoundTripsEveryByte()
    {
        var value = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();

        await Backend.PutAsync(Item.Create("/bin", value), Ct);

        Assert.Equal(value, (await Backend.GetAsync("/bin", Ct))!.Value.ToArray());
    }

    [Fact]
    public async Task Put_CallerReusesBuffer_StoredValueUnchanged()
    {
        var buffer = Bytes("original");
        await Backend.PutAsync(Item.Create("/k", buffer), Ct);

        Array.Fill(buffer, (byte)'x');

        Assert.Equal("original", Text((await Backend.GetAsync("/k", Ct))!));
    }

    protected static Item NewItem(string key, string value, DateTimeOffset? expires = null) => Item.Create(key, Bytes(value), expires);

    protected static byte[] Bytes(string value) => Encoding.UTF8.GetBytes(value);

    protected static string Text(Item item) => Encoding.UTF8.GetString(item.Value.Span);
}
