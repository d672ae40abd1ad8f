using Ferry.Core.Errors;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Storage.Tests.Compliance;

/// <summary>
/// What every storage compliance suite shares: a fresh store per test on a fake clock, a timeout that fails a hung test
/// instead of hanging the run, and the error-kind assertion.
/// </summary>
public abstract class StoreComplianceTests<TStore> : IAsyncLifetime
    where TStore : class, IAsyncDisposable
{
    /// <summary>A fixed start so times and expiry arithmetic in failures are easy to read.</summary>
    protected static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly CancellationTokenSource _testTimeout = new(TimeSpan.FromMinutes(1));
    private TStore? _store;

    protected FakeTimeProvider Time { get; } = new(T0);

    /// <summary>The store under test.</summary>
    protected TStore Opened => _store ?? throw new InvalidOperationException("the store is not open");

    protected CancellationToken Ct => _testTimeout.Token;

    /// <summary>Opens a new, empty store that follows <paramref name="time"/>.</summary>
    protected abstract Task<TStore> OpenStoreAsync(TimeProvider time);

    /// <summary>Removes what <see cref="OpenStoreAsync"/> made (files, schemas), after the store is disposed.</summary>
    protected virtual Task CleanupAsync() => Task.CompletedTask;

    public async Task InitializeAsync() => _store = await OpenStoreAsync(Time);

    public async Task DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        await CleanupAsync();
        _testTimeout.Dispose();
    }

    protected static async Task<FerryException> AssertFailsAsync(ErrorKind kind, Func<Task> action)
    {
        var exception = await Assert.ThrowsAsync<FerryException>(action);
        Assert.Equal(kind, exception.Kind);
        return exception;
    }
}
