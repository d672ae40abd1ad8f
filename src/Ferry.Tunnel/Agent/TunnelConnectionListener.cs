using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace Ferry.Tunnel.Agent;

/// <summary>
/// Kestrel's listener for a <see cref="TunnelEndPoint"/>: instead of waiting for inbound connections it
/// keeps <see cref="TunnelClientOptions.Connections"/> tunnels dialled out, one loop per slot:
/// <code>
///   dial ──ok──► hand to Kestrel (AcceptAsync) ──► wait until Kestrel is done with it ──► short jittered wait ──► dial
///     └─fail──► backoff (doubling, jittered, capped) ──► dial
/// </code>
/// A tunnel that stayed up for a while resets the backoff; one that drops at once does not, so a proxy
/// that accepts and immediately closes is not hammered.
/// With <see cref="TunnelClientOptions.LiveProxies"/> set, one <see cref="ProxyDialler"/> replaces the slots
/// and keeps that many tunnels to each live proxy behind the address instead.
/// </summary>
internal sealed class TunnelConnectionListener : IConnectionListener
{
    // How long a tunnel must live to count as healthy (and reset the backoff).
    internal static readonly TimeSpan HealthyAfter = TimeSpan.FromSeconds(5);

    private readonly TunnelClient _client;
    private readonly TunnelClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Channel<TunnelConnection> _accepted = Channel.CreateUnbounded<TunnelConnection>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConcurrentDictionary<TunnelConnection, byte> _live = new();
    private readonly Task[] _slots;
    private long _nextId;
    private Task? _disposing;

    public TunnelConnectionListener(TunnelClient client, TunnelEndPoint endPoint, TimeProvider timeProvider, ILogger logger)
    {
        _client = client;
        _options = client.Options;
        _timeProvider = timeProvider;
        _logger = logger;
        EndPoint = endPoint;
        if (_options.LiveProxies is null)
        {
            TunnelLog.Started(_logger, _options.Connections, _options.ProxyUrl, _options.AgentId);
            _slots = [.. Enumerable.Range(0, _options.Connections).Select(slot => Task.Run(() => RunSlotAsync(slot)))];
        }
        else
        {
            TunnelLog.StartedPerProxy(_logger, _options.Connections, _options.ProxyUrl, _options.AgentId);
            var dialler = new ProxyDialler(this, client, timeProvider, logger, _stopping.Token);
            _slots = [Task.Run(dialler.RunAsync)];
        }
    }

    public EndPoint EndPoint { get; }

    /// <summary>The tunnels handed to Kestrel and not closed yet.</summary>
    internal IEnumerable<TunnelConnection> Open => _live.Keys;

    /// <summary>Open tunnels per proxy id ("" for proxies that said none).</summary>
    internal IReadOnlyDictionary<string, int> TunnelsByProxy()
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var connection in _live.Keys)
        {
            var proxyId = connection.ProxyId ?? "";
            counts[proxyId] = counts.GetValueOrDefault(proxyId) + 1;
        }

        return counts;
    }

    internal string NextConnectionId() => "tunnel-" + Interlocked.Increment(ref _nextId).ToString(CultureInfo.InvariantCulture);

    /// <summary>Hands a dialled tunnel to Kestrel and counts it; returns how many are up.</summary>
    internal async ValueTask<int> OfferAsync(TunnelConnection connection)
    {
        _live.TryAdd(connection, 0);
        var count = _client.TunnelUp();
        if (!_accepted.Writer.TryWrite(connection))
        {
            await connection.DisposeAsync().ConfigureAwait(false); // unbound while we dialled
        }

        return count;
    }

    /// <summary>Forgets a closed tunnel; returns how many are still up.</summary>
    internal int Forget(TunnelConnection connection)
    {
        _live.TryRemove(connection, out _);
        return _client.TunnelDown();
    }

    public async ValueTask<ConnectionContext?> AcceptAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            while (await _accepted.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (_accepted.Reader.TryRead(out var connection))
                {
                    return connection;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        return null; // Kestrel's signal that the listener is done
    }

    /// <summary>
    /// Stops dialling, and closes the tunnels the proxy has not started using: otherwise the proxy could pick
    /// one just as Kestrel's shutdown closes it, and a request would fail instead of going to another agent.
    /// Tunnels in use stay up so Kestrel can drain them (GOAWAY, then close).
    /// </summary>
    public async ValueTask UnbindAsync(CancellationToken cancellationToken = default)
    {
        if (!_stopping.IsCancellationRequested)
        {
            TunnelLog.Stopped(_logger, _options.ProxyUrl);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        _accepted.Writer.TryComplete();
        foreach (var connection in _live.Keys)
        {
            connection.TryAbortUnused();
        }

        while (_accepted.Reader.TryRead(out var unaccepted))
        {
            await unaccepted.DisposeAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(_disposing ??= DisposeCoreAsync());

    private async Task DisposeCoreAsync()
    {
        await UnbindAsync().ConfigureAwait(false);
        // Kestrel has closed what it accepted by now; anything left (the client disposed under a running
        // Kestrel) is aborted, and Kestrel then disposes it, which ends its slot loop.
        foreach (var connection in _live.Keys)
        {
            connection.Abort(new ConnectionAbortedException("The tunnel client is shutting down."));
        }

        await Task.WhenAll(_slots).ConfigureAwait(false);
        _client.Unbind(this);
    }

    private async Task RunSlotAsync(int slot)
    {
        var backoff = new Backoff(_options.MinBackoff, _options.MaxBackoff, Random.Shared);
        while (!_stopping.IsCancellationRequested)
        {
            TunnelConnection connection;
            try
            {
                _client.CountDial();
                connection = await TunnelConnection.ConnectAsync(_options, EndPoint, NextConnectionId(), _timeProvider, _logger, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                var delay = backoff.Next();
                _client.ReportFailure(ex);
                TunnelLog.ConnectFailed(_logger, slot, _options.ProxyUrl, ex.Message, delay, ex);
                if (!await DelayAsync(delay).ConfigureAwait(false))
                {
                    break;
                }

                continue;
            }

            var opened = _timeProvider.GetTimestamp();
            TunnelLog.Connected(_logger, slot, _options.ProxyUrl, await OfferAsync(connection).ConfigureAwait(false));
            await connection.Closed.ConfigureAwait(false);
            var lifetime = _timeProvider.GetElapsedTime(opened);
            TunnelLog.Disconnected(_logger, slot, _options.ProxyUrl, lifetime, Forget(connection));
            if (lifetime >= HealthyAfter)
            {
                backoff.Reset();
            }

            if (!await DelayAsync(backoff.Next()).ConfigureAwait(false))
            {
                break;
            }
        }
    }

    private async Task<bool> DelayAsync(TimeSpan delay)
    {
        try
        {
            await Task.Delay(delay, _timeProvider, _stopping.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
