using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Ferry.Core.Errors;

namespace Ferry.Storage.Watch;

/// <summary>
/// One watch: a bounded queue filled by <see cref="WatchHub"/> without ever waiting, and drained by the consumer.
/// When the queue is full the hub fails the watcher instead of blocking the writer.
/// </summary>
internal sealed class Watcher
{
    private readonly Channel<BackendEvent> _channel;
    private readonly string[] _prefixes;
    private volatile FerryException? _failure;

    public Watcher(IReadOnlyCollection<string> prefixes, int capacity)
    {
        _prefixes = [.. prefixes];
        _channel = Channel.CreateBounded<BackendEvent>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            SingleWriter = false,
        });
    }

    public bool Matches(string key)
    {
        if (_prefixes.Length == 0)
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Queues an event; false when the queue is full (the consumer is too slow).</summary>
    public bool TryDeliver(BackendEvent backendEvent) => _channel.Writer.TryWrite(backendEvent);

    /// <summary>Ends the watch with an error that the consumer sees on its next read, ahead of any queued events.</summary>
    public void Fail(FerryException error)
    {
        _failure = error;
        _channel.Writer.TryComplete(error);
    }

    /// <summary>Yields queued events; ends without error when <paramref name="cancellationToken"/> is cancelled.</summary>
    public async IAsyncEnumerable<BackendEvent> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = _channel.Reader;
        while (await WaitToReadAsync(cancellationToken))
        {
            while (!cancellationToken.IsCancellationRequested && reader.TryRead(out var backendEvent))
            {
                // Queued events are stale once the watch failed: the consumer must re-read anyway.
                ThrowIfFailed();
                yield return backendEvent;
            }
        }
    }

    private async ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailed();
        try
        {
            return await _channel.Reader.WaitToReadAsync(cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw new FerryException(failure.Kind, failure.Message);
        }
    }
}
