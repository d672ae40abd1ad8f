using System.Buffers.Binary;
using Ferry.Storage;

namespace Ferry.Bench.Storage;

/// <summary>
/// One IBackend operation under load. <see cref="PrepareAsync"/> writes what it needs under a key prefix of its own and
/// returns, per worker index, the call that worker repeats; state a worker carries between calls (the item it last
/// swapped in) lives in the prepared closure, so it survives from one slice to the next.
/// </summary>
internal sealed record StorageOperation(
    string Key,
    string Name,
    Func<IBackend, string, int, CancellationToken, Task<Func<int, Func<CancellationToken, ValueTask>>>> PrepareAsync);

/// <summary>The operations measured, each against SQLite and PostgreSQL alike, with <see cref="ValueBytes"/>-byte values.</summary>
internal static class StorageOperations
{
    public const int ValueBytes = 512;

    /// <summary>Keys each Put worker cycles through (so most puts overwrite) and that Get reads.</summary>
    private const int KeySpace = 1000;

    public static readonly IReadOnlyList<StorageOperation> All =
    [
        new("put", "Put (create or overwrite)", PreparePutAsync),
        new("get", "Get", PrepareGetAsync),
        new("compare-and-swap", "CompareAndSwap", PrepareCompareAndSwapAsync),
        new("atomic-write", "AtomicWrite (1 condition, 3 puts)", PrepareAtomicWriteAsync),
    ];

    /// <summary>A fresh value whose first 8 bytes are <paramref name="n"/> (so consecutive values differ), the rest filler.</summary>
    public static byte[] Value(long n)
    {
        var value = new byte[ValueBytes];
        BinaryPrimitives.WriteInt64LittleEndian(value, n);
        value.AsSpan(8).Fill((byte)'x');
        return value;
    }

    /// <summary>Each worker cycles through <see cref="KeySpace"/> keys of its own: the first round creates, later ones overwrite.</summary>
    private static Task<Func<int, Func<CancellationToken, ValueTask>>> PreparePutAsync(IBackend backend, string prefix, int workers, CancellationToken cancellationToken)
    {
        var next = new long[workers];
        return Task.FromResult<Func<int, Func<CancellationToken, ValueTask>>>(worker => async token =>
        {
            var n = next[worker]++;
            await backend.PutAsync(Item.Create($"{prefix}{worker}/{n % KeySpace}", Value(n)), token);
        });
    }

    /// <summary><see cref="KeySpace"/> keys written first (in atomic batches), then read in a different order by each worker.</summary>
    private static async Task<Func<int, Func<CancellationToken, ValueTask>>> PrepareGetAsync(IBackend backend, string prefix, int workers, CancellationToken cancellationToken)
    {
        var keys = Enumerable.Range(0, KeySpace).Select(i => $"{prefix}{i}").ToArray();
        foreach (var batch in keys.Chunk(250))
        {
            await backend.AtomicWriteAsync([], batch.Select(k => (WriteAction)new WriteAction.Put(Item.Create(k, Value(0)))).ToList(), cancellationToken);
        }

        var next = new long[workers];
        return worker => async token =>
        {
            var key = keys[((worker * 7919) + next[worker]++) % KeySpace];
            _ = await backend.GetAsync(key, token) ?? throw new InvalidOperationException($"{key} is missing");
        };
    }

    /// <summary>
    /// One key per worker, swapped from the value the worker last wrote to the next one (no read in between, so each
    /// call is one compare-and-swap that succeeds). After a failure the worker re-reads the key before going on.
    /// </summary>
    private static async Task<Func<int, Func<CancellationToken, ValueTask>>> PrepareCompareAndSwapAsync(IBackend backend, string prefix, int workers, CancellationToken cancellationToken)
    {
        var current = new Item[workers];
        for (var worker = 0; worker < workers; worker++)
        {
            current[worker] = await backend.PutAsync(Item.Create($"{prefix}{worker}", Value(0)), cancellationToken);
        }

        var next = new long[workers];
        return worker => async token =>
        {
            var expected = current[worker];
            try
            {
                current[worker] = await backend.CompareAndSwapAsync(expected, Item.Create(expected.Key, Value(++next[worker])), token);
            }
            catch (Exception) when (!token.IsCancellationRequested)
            {
                current[worker] = await backend.GetAsync(expected.Key, token) ?? expected;
                throw;
            }
        };
    }

    /// <summary>Per worker: "the parent key must exist" and three puts under it, one transaction (what a multi-key change of a resource looks like).</summary>
    private static async Task<Func<int, Func<CancellationToken, ValueTask>>> PrepareAtomicWriteAsync(IBackend backend, string prefix, int workers, CancellationToken cancellationToken)
    {
        for (var worker = 0; worker < workers; worker++)
        {
            await backend.PutAsync(Item.Create($"{prefix}{worker}", Value(0)), cancellationToken);
        }

        var next = new long[workers];
        return worker =>
        {
            var parent = $"{prefix}{worker}";
            Condition[] conditions = [new Condition.MustExist(parent)];
            return async token =>
            {
                var n = ++next[worker];
                await backend.AtomicWriteAsync(conditions,
                    [new WriteAction.Put(Item.Create(parent + "/a", Value(n))), new WriteAction.Put(Item.Create(parent + "/b", Value(n))), new WriteAction.Put(Item.Create(parent + "/c", Value(n)))],
                    token);
            };
        };
    }
}
