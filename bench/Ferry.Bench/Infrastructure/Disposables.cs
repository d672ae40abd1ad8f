namespace Ferry.Bench.Infrastructure;

/// <summary>Everything the run started, stopped in reverse order on the way out, whatever happened.</summary>
internal sealed class Disposables : IAsyncDisposable
{
    private readonly Stack<IAsyncDisposable> _stack = new();

    public T Add<T>(T item)
        where T : IAsyncDisposable
    {
        _stack.Push(item);
        return item;
    }

    public async ValueTask DisposeAsync()
    {
        while (_stack.TryPop(out var item))
        {
            try
            {
                await item.DisposeAsync();
            }
            catch (Exception e)
            {
                await Console.Error.WriteLineAsync($"cleanup: {e.GetType().Name}: {e.Message}");
            }
        }
    }
}
