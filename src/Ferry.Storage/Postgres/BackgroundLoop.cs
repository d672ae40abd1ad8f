namespace Ferry.Storage.Postgres;

/// <summary>
/// One long-running loop of a store (the change feed, the LISTEN session): started once, told to stop and awaited on
/// dispose. The token stays readable after the loop stopped, so late callers see it cancelled instead of disposed.
/// </summary>
internal sealed class BackgroundLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;

    public CancellationToken Stopping => _stopping.Token;

    public void Start(Func<CancellationToken, Task> loop) => _running = Task.Run(() => loop(_stopping.Token));

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _running;
    }
}
