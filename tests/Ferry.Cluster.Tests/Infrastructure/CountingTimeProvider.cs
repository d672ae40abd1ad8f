using Microsoft.Extensions.Time.Testing;

namespace Ferry.Cluster.Tests.Infrastructure;

/// <summary>
/// A fake clock that counts how often it was read. The renewer reads its clock exactly once per check, and checks run
/// one after another, so "a read beyond N" means check N has finished, renewal included: the test knows a check
/// happened without waiting for time to pass. Everything else reads the clock through <see cref="Uncounted"/>.
/// </summary>
internal sealed class CountingTimeProvider : FakeTimeProvider
{
    private int _reads;

    public CountingTimeProvider(DateTimeOffset start)
        : base(start)
    {
        Uncounted = new View(this);
    }

    public int Reads => Volatile.Read(ref _reads);

    /// <summary>The same clock, for the test's own reads (issuing, verifying).</summary>
    public TimeProvider Uncounted { get; }

    public override DateTimeOffset GetUtcNow()
    {
        Interlocked.Increment(ref _reads);
        return base.GetUtcNow();
    }

    private DateTimeOffset Peek() => base.GetUtcNow();

    private sealed class View(CountingTimeProvider clock) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => clock.Peek();
    }
}
