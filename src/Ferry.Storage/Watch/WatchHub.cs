using System.Runtime.CompilerServices;
using Ferry.Core.Errors;
using Microsoft.Extensions.Logging;

namespace Ferry.Storage.Watch;

/// <summary>
/// In-process fan-out of committed changes to every live watch.
///
/// <see cref="Publish"/> is called by one publisher at a time, in revision order: SQLite's backend after each commit
/// while it still holds its write lock, PostgreSQL's change feed as it reads the change table. So events reach every
/// watcher in revision order. Registration takes the same hub lock as publishing, so a new watcher's Init
/// carries the last published revision and no later event can slip in ahead of it or be missed.
/// </summary>
internal sealed class WatchHub
{
    private readonly Lock _lock = new();
    private readonly List<Watcher> _watchers = [];
    private readonly int _capacity;
    private readonly ILogger _logger;
    private long _revision;
    private FerryException? _closed;

    public WatchHub(int capacity, long revision, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _revision = revision;
        _logger = logger;
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _watchers.Count;
            }
        }
    }

    /// <summary>
    /// Registers a watcher when enumeration starts (not when this method is called) and unregisters it when the
    /// consumer stops, so an abandoned enumerable holds nothing.
    /// </summary>
    public async IAsyncEnumerable<BackendEvent> WatchAsync(
        IReadOnlyCollection<string> prefixes, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watcher = Register(prefixes);
        try
        {
            await foreach (var backendEvent in watcher.ReadAllAsync(cancellationToken))
            {
                yield return backendEvent;
            }
        }
        finally
        {
            Unregister(watcher);
        }
    }

    /// <summary>Delivers committed events, in order, to every matching watcher; fails watchers that are full.</summary>
    public void Publish(IReadOnlyList<BackendEvent> events)
    {
        if (events.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            _revision = Math.Max(_revision, events[^1].Item.Revision);
            for (var i = _watchers.Count - 1; i >= 0; i--)
            {
                var watcher = _watchers[i];
                if (!DeliverAll(watcher, events))
                {
                    _watchers.RemoveAt(i);
                    watcher.Fail(FerryException.Unavailable(
                        $"the watch fell more than {_capacity} events behind and was closed; re-read the state and watch again"));
                    StorageLog.WatcherOverflowed(_logger, _capacity);
                }
            }
        }
    }

    /// <summary>
    /// Ends every watch with <paramref name="reason"/> and carries on from <paramref name="revision"/>: new watches start
    /// there. For a publisher that lost changes (they must re-read the state, and their Init says from where).
    /// </summary>
    public void Restart(long revision, FerryException reason)
    {
        lock (_lock)
        {
            _revision = revision;
            foreach (var watcher in _watchers)
            {
                watcher.Fail(reason);
            }

            _watchers.Clear();
        }
    }

    /// <summary>Ends every watch with <paramref name="reason"/> and refuses new ones; used when the backend closes.</summary>
    public void Close(FerryException reason)
    {
        lock (_lock)
        {
            _closed = reason;
            foreach (var watcher in _watchers)
            {
                watcher.Fail(reason);
            }

            _watchers.Clear();
        }
    }

    private Watcher Register(IReadOnlyCollection<string> prefixes)
    {
        var watcher = new Watcher(prefixes, _capacity);
        lock (_lock)
        {
            if (_closed is not null)
            {
                watcher.Fail(_closed);
                return watcher;
            }

            // The queue is new and empty, so Init always fits.
            watcher.TryDeliver(new BackendEvent(BackendEventType.Init, new Item("", ReadOnlyMemory<byte>.Empty, _revision)));
            _watchers.Add(watcher);
        }

        return watcher;
    }

    private void Unregister(Watcher watcher)
    {
        lock (_lock)
        {
            _watchers.Remove(watcher);
        }
    }

    private static bool DeliverAll(Watcher watcher, IReadOnlyList<BackendEvent> events)
    {
        foreach (var backendEvent in events)
        {
            if (watcher.Matches(backendEvent.Item.Key) && !watcher.TryDeliver(backendEvent))
            {
                return false;
            }
        }

        return true;
    }
}
