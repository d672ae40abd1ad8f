using Ferry.Core.Errors;

namespace Ferry.Storage.Tests.Compliance;

public abstract partial class BackendComplianceTests
{
    [Fact]
    public async Task AtomicWrite_ConditionsHold_AppliesEveryActionWithOneRevision()
    {
        var existing = await Backend.PutAsync(NewItem("/x/existing", "old"), Ct);
        await Backend.PutAsync(NewItem("/x/doomed", "v"), Ct);

        var revision = await Backend.AtomicWriteAsync(
            [
                new Condition.MustExist("/x/existing"),
                new Condition.MustNotExist("/x/new"),
                new Condition.RevisionIs("/x/existing", existing.Revision),
            ],
            [
                new WriteAction.Put(NewItem("/x/existing", "updated")),
                new WriteAction.Put(NewItem("/x/new", "created")),
                new WriteAction.Delete("/x/doomed"),
            ],
            Ct);

        Assert.True(revision > existing.Revision);
        var updated = await Backend.GetAsync("/x/existing", Ct);
        var created = await Backend.GetAsync("/x/new", Ct);
        Assert.Equal("updated", Text(updated!));
        Assert.Equal("created", Text(created!));
        Assert.Equal(revision, updated!.Revision);
        Assert.Equal(revision, created!.Revision);
        Assert.Null(await Backend.GetAsync("/x/doomed", Ct));
    }

    [Fact]
    public async Task AtomicWrite_MustNotExistFails_WritesNothingAndNamesKey()
    {
        await Backend.PutAsync(NewItem("/x/taken", "v"), Ct);
        await Backend.PutAsync(NewItem("/x/keep", "keep"), Ct);

        var failure = await AssertFailsAsync(ErrorKind.CompareFailed, async () => await Backend.AtomicWriteAsync(
            [new Condition.MustNotExist("/x/taken")],
            [new WriteAction.Put(NewItem("/x/a", "v")), new WriteAction.Delete("/x/keep"), new WriteAction.Put(NewItem("/x/taken", "new"))],
            Ct));

        Assert.Contains("/x/taken", failure.Message, StringComparison.Ordinal);
        await AssertUnchangedAsync();
    }

    [Fact]
    public async Task AtomicWrite_MustExistFails_WritesNothing()
    {
        await Backend.PutAsync(NewItem("/x/taken", "v"), Ct);
        await Backend.PutAsync(NewItem("/x/keep", "keep"), Ct);

        await AssertFailsAsync(ErrorKind.CompareFailed, async () => await Backend.AtomicWriteAsync(
            [new Condition.MustExist("/x/absent")],
            [new WriteAction.Put(NewItem("/x/a", "v")), new WriteAction.Delete("/x/keep")],
            Ct));

        await AssertUnchangedAsync();
    }

    [Fact]
    public async Task AtomicWrite_RevisionIsMismatch_WritesNothing()
    {
        var taken = await Backend.PutAsync(NewItem("/x/taken", "v"), Ct);
        await Backend.PutAsync(NewItem("/x/keep", "keep"), Ct);

        await AssertFailsAsync(ErrorKind.CompareFailed, async () => await Backend.AtomicWriteAsync(
            [new Condition.RevisionIs("/x/taken", taken.Revision - 1)],
            [new WriteAction.Put(NewItem("/x/a", "v")), new WriteAction.Delete("/x/keep")],
            Ct));

        await AssertUnchangedAsync();
    }

    [Fact]
    public async Task AtomicWrite_RevisionIsOnMissingKey_ThrowsCompareFailed()
    {
        await AssertFailsAsync(ErrorKind.CompareFailed, async () => await Backend.AtomicWriteAsync(
            [new Condition.RevisionIs("/x/absent", 1)],
            [new WriteAction.Put(NewItem("/x/a", "v"))],
            Ct));

        Assert.Null(await Backend.GetAsync("/x/a", Ct));
    }

    [Fact]
    public async Task AtomicWrite_LastOfSeveralConditionsFails_WritesNothing()
    {
        var taken = await Backend.PutAsync(NewItem("/x/taken", "v"), Ct);
        await Backend.PutAsync(NewItem("/x/keep", "keep"), Ct);

        await AssertFailsAsync(ErrorKind.CompareFailed, async () => await Backend.AtomicWriteAsync(
            [
                new Condition.MustExist("/x/taken"),
                new Condition.RevisionIs("/x/taken", taken.Revision),
                new Condition.MustNotExist("/x/new"),
                new Condition.MustNotExist("/x/keep"),
            ],
            [new WriteAction.Put(NewItem("/x/a", "v")), new WriteAction.Delete("/x/keep"), new WriteAction.Put(NewItem("/x/taken", "new"))],
            Ct));

        await AssertUnchangedAsync();
    }

    [Fact]
    public async Task AtomicWrite_ConditionsSeeStateBeforeActions()
    {
        // The put of /x/new must not satisfy a MustExist on the same key in the same write.
        await AssertFailsAsync(ErrorKind.CompareFailed, async () => await Backend.AtomicWriteAsync(
            [new Condition.MustExist("/x/new")],
            [new WriteAction.Put(NewItem("/x/new", "v"))],
            Ct));

        Assert.Null(await Backend.GetAsync("/x/new", Ct));
    }

    [Fact]
    public async Task AtomicWrite_DeleteOfAbsentKey_IsNotAnError()
    {
        var revision = await Backend.AtomicWriteAsync([], [new WriteAction.Delete("/x/absent"), new WriteAction.Put(NewItem("/x/a", "v"))], Ct);

        Assert.Equal(revision, (await Backend.GetAsync("/x/a", Ct))!.Revision);
    }

    [Fact]
    public async Task AtomicWrite_TwoActionsOnOneKey_ThrowsBadParameter()
    {
        await AssertFailsAsync(ErrorKind.BadParameter, async () => await Backend.AtomicWriteAsync(
            [],
            [new WriteAction.Put(NewItem("/x/a", "1")), new WriteAction.Delete("/x/a")],
            Ct));

        Assert.Null(await Backend.GetAsync("/x/a", Ct));
    }

    [Fact]
    public async Task AtomicWrite_RevisionIsLaterThanEarlierWrites()
    {
        var before = await Backend.PutAsync(NewItem("/x/a", "v"), Ct);

        var revision = await Backend.AtomicWriteAsync([], [new WriteAction.Put(NewItem("/x/b", "v"))], Ct);
        var after = await Backend.PutAsync(NewItem("/x/c", "v"), Ct);

        Assert.True(before.Revision < revision);
        Assert.True(revision < after.Revision);
    }

    /// <summary>The state the failing atomic-write tests start from, untouched.</summary>
    private async Task AssertUnchangedAsync()
    {
        var (start, end) = KeyRange.Prefix("/x/");
        var items = await Backend.GetRangeAsync(start, end, 0, Ct);
        Assert.Equal(["/x/keep", "/x/taken"], items.Select(i => i.Key));
        Assert.Equal(["keep", "v"], items.Select(Text));
    }
}
