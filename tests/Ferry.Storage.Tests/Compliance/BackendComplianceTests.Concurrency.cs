using System.Globalization;
using Ferry.Core.Errors;

namespace Ferry.Storage.Tests.Compliance;

public abstract partial class BackendComplianceTests
{
    private const int Parallelism = 20;

    [Fact]
    public async Task ParallelCreates_OfOneKey_ExactlyOneWins()
    {
        var outcomes = await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(i => Task.Run(async () =>
        {
            try
            {
                await Backend.CreateAsync(NewItem("/c/k", i.ToString(CultureInfo.InvariantCulture)), Ct);
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
    public async Task ParallelCompareAndSwapIncrements_LoseNoUpdate()
    {
        await Backend.PutAsync(NewItem("/c/counter", "0"), Ct);

        await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var current = (await Backend.GetAsync("/c/counter", Ct))!;
                var next = (int.Parse(Text(current), CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
                try
                {
                    await Backend.CompareAndSwapAsync(current, NewItem("/c/counter", next), Ct);
                    return;
                }
                catch (FerryException exception) when (exception.Kind == ErrorKind.CompareFailed)
                {
                    // Another writer got there first: re-read and try again.
                }
            }
        })));

        Assert.Equal(Parallelism.ToString(CultureInfo.InvariantCulture), Text((await Backend.GetAsync("/c/counter", Ct))!));
    }

    [Fact]
    public async Task ParallelAtomicIncrements_OnRevision_LoseNoUpdate()
    {
        await Backend.PutAsync(NewItem("/c/counter", "0"), Ct);

        await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(_ => Task.Run(async () =>
        {
            while (true)
            {
                var current = (await Backend.GetAsync("/c/counter", Ct))!;
                var next = (int.Parse(Text(current), CultureInfo.InvariantCulture) + 1).ToString(CultureInfo.InvariantCulture);
                try
                {
                    await Backend.AtomicWriteAsync(
                        [new Condition.RevisionIs("/c/counter", current.Revision)], [new WriteAction.Put(NewItem("/c/counter", next))], Ct);
                    return;
                }
                catch (FerryException exception) when (exception.Kind == ErrorKind.CompareFailed)
                {
                }
            }
        })));

        Assert.Equal(Parallelism.ToString(CultureInfo.InvariantCulture), Text((await Backend.GetAsync("/c/counter", Ct))!));
    }

    [Fact]
    public async Task ParallelPuts_GetDistinctRevisions()
    {
        var items = await Task.WhenAll(Enumerable.Range(0, Parallelism).Select(i =>
            Task.Run(async () => await Backend.PutAsync(NewItem($"/c/{i}", "v"), Ct))));

        Assert.Equal(Parallelism, items.Select(i => i.Revision).Distinct().Count());
    }
}
