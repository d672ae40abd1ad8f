using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace Ferry.Tunnel.Agent;

/// <summary>
/// Keeps <see cref="TunnelClientOptions.Connections"/> tunnels to every live proxy behind one load-balanced
/// address (<see cref="TunnelClientOptions.LiveProxies"/> set), the way the reference system's agents do: the
/// balancer cannot be told where to send a dial, so the agent dials it again until each proxy is reached.
/// <code>
///   poll LiveProxies ─► coverage ─► proxies that left: close their tunnels (GOAWAY first)
///   loop: wait until some live proxy is short (or fewer than one share in all), and the back-off has passed
///         dial, naming the proxies it does not want (X-Ferry-Tunnel-Skip)
///           ├─ proxy short of its share ──► keep: hand to Kestrel; redial at once if more are wanted
///           ├─ 421 / covered or departed ──► close; short back-off (50 ms doubling to 1 s, jittered)
///           └─ failed ───────────────────► back-off as for any failed dial (MinBackoff … MaxBackoff)
///   a tunnel closes ─► wake the loop (after a short jittered wait; no reset if it lived under 5 s)
/// </code>
/// One dial at a time: a round-robin balancer sends consecutive dials to consecutive proxies, so with P
/// proxies a missing one is reached within P dials; the short back-off bounds the rate (about one dial a
/// second at worst) while a live proxy cannot be reached, e.g. it died and its heartbeat has not expired yet.
/// </summary>
internal sealed class ProxyDialler
{
    // While converging: the balancer sent us to a proxy that has its share. Short, so a few dials converge
    // in well under a second, and capped so a proxy that is live but unreachable costs about a dial a second.
    internal static readonly TimeSpan CoveredMinBackoff = TimeSpan.FromMilliseconds(50);
    internal static readonly TimeSpan CoveredMaxBackoff = TimeSpan.FromSeconds(1);

    private readonly TunnelConnectionListener _listener;
    private readonly TunnelClient _client;
    private readonly TunnelClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly ProxyCoverage _coverage;
    private readonly object _gate = new();
    private readonly Backoff _failures;
    private readonly Backoff _covered;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly ConcurrentDictionary<TunnelConnection, Task> _tracking = new();
    private long _notBefore;

    public ProxyDialler(TunnelConnectionListener listener, TunnelClient client, TimeProvider timeProvider, ILogger logger, CancellationToken stopping)
    {
        _listener = listener;
        _client = client;
        _options = client.Options;
        _timeProvider = timeProvider;
        _logger = logger;
        _stopping = stopping;
        _coverage = new ProxyCoverage(_options.Connections, timeProvider);
        _failures = new Backoff(_options.MinBackoff, _options.MaxBackoff, Random.Shared);
        _covered = new Backoff(CoveredMinBackoff, CoveredMaxBackoff, Random.Shared);
        _notBefore = timeProvider.GetTimestamp();
    }

    /// <summary>Runs until the listener stops, then until the last tunnel it kept has closed.</summary>
    public async Task RunAsync()
    {
        await Task.WhenAll(Task.Run(DialLoopAsync), Task.Run(PollLoopAsync)).ConfigureAwait(false);
        await Task.WhenAll(_tracking.Values).ConfigureAwait(false);
    }

    private async Task DialLoopAsync()
    {
        while (await WaitForTurnAsync().ConfigureAwait(false))
        {
            var skip = _coverage.Skip(_listener.TunnelsByProxy());
            TunnelConnection connection;
            try
            {
                _client.CountDial();
                connection = await TunnelConnection.ConnectAsync(
                    _options, _listener.EndPoint, _listener.NextConnectionId(), _timeProvider, _logger, _stopping, skip).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (TunnelConnectException declined) when (declined is { Declined: true, ProxyId: not null })
            {
                Covered(declined.ProxyId);
                continue;
            }
            catch (Exception ex)
            {
                var delay = Defer(_failures);
                _client.ReportFailure(ex);
                TunnelLog.DialFailed(_logger, _options.ProxyUrl, ex.Message, delay, ex);
                continue;
            }

            // The proxy declines when named in the skip list; this catches a proxy that left the live set
            // while we dialled, and one that says no id (it cannot decline).
            var proxyId = connection.ProxyId ?? "";
            var tunnels = _listener.TunnelsByProxy();
            if (!_coverage.Keeps(proxyId, tunnels))
            {
                await connection.DisposeAsync().ConfigureAwait(false);
                if (connection.ProxyId is null)
                {
                    var delay = Defer(_failures);
                    TunnelLog.ProxyWithoutId(_logger, _options.ProxyUrl, tunnels.GetValueOrDefault(proxyId), delay);
                }
                else
                {
                    Covered(proxyId);
                }

                continue;
            }

            lock (_gate)
            {
                _covered.Reset();
            }

            _tracking[connection] = TrackAsync(connection, proxyId);
        }
    }

    private async Task TrackAsync(TunnelConnection connection, string proxyId)
    {
        var opened = _timeProvider.GetTimestamp();
        var count = await _listener.OfferAsync(connection).ConfigureAwait(false);
        TunnelLog.ConnectedToProxy(_logger, proxyId, _listener.TunnelsByProxy().GetValueOrDefault(proxyId), count);

        await connection.Closed.ConfigureAwait(false);
        var lifetime = _timeProvider.GetElapsedTime(opened);
        TunnelLog.DisconnectedFromProxy(_logger, proxyId, lifetime, _listener.Forget(connection));
        lock (_gate)
        {
            // As for a single proxy: a tunnel that stayed up a while resets the back-off, one that dropped at
            // once does not, so a proxy that accepts and closes at once is not hammered.
            if (lifetime >= TunnelConnectionListener.HealthyAfter)
            {
                _failures.Reset();
            }

            var notBefore = _timeProvider.GetTimestamp() + ToTimestamp(_failures.Next());
            _notBefore = Math.Max(_notBefore, notBefore);
        }

        _tracking.TryRemove(connection, out _);
        Wake();
    }

    private async Task PollLoopAsync()
    {
        var failing = false;
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                using var timeout = new CancellationTokenSource(_options.ConnectTimeout, _timeProvider);
                using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping, timeout.Token);
                // WaitAsync too: a source that ignores its token must not stop the polls for good.
                var live = await _options.LiveProxies!(linked.Token).WaitAsync(linked.Token).ConfigureAwait(false)
                    ?? throw new InvalidOperationException("LiveProxies returned null");
                Apply(live);
                failing = false;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // Once per failing streak: auth being down for a while is one problem, not one a poll.
                if (!failing)
                {
                    TunnelLog.LiveProxiesFailed(_logger, ex.Message, _coverage.Live.Count, ex);
                }

                failing = true;
            }

            try
            {
                await Task.Delay(_options.LiveProxiesInterval, _timeProvider, _stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }

    private void Apply(IReadOnlySet<string> live)
    {
        if (live.SetEquals(_coverage.Live))
        {
            return;
        }

        TunnelLog.LiveProxiesChanged(_logger, string.Join(",", live.Order(StringComparer.Ordinal)));
        foreach (var proxyId in _coverage.SetLive(live))
        {
            var leaving = _listener.Open.Where(c => c.ProxyId == proxyId).ToList();
            TunnelLog.ProxyLeft(_logger, proxyId, leaving.Count);
            foreach (var connection in leaving)
            {
                connection.Retire();
            }
        }

        Wake();
    }

    /// <summary>Waits until more tunnels are wanted and the back-off has passed; false once stopping.</summary>
    private async Task<bool> WaitForTurnAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            if (!_coverage.NeedsTunnels(_listener.TunnelsByProxy()))
            {
                await WaitForWakeAsync(Timeout.InfiniteTimeSpan).ConfigureAwait(false);
                continue;
            }

            var wait = _timeProvider.GetElapsedTime(_timeProvider.GetTimestamp(), Volatile.Read(ref _notBefore));
            if (wait <= TimeSpan.Zero)
            {
                return true;
            }

            await WaitForWakeAsync(wait).ConfigureAwait(false);
        }

        return false;
    }

    private async Task WaitForWakeAsync(TimeSpan timeout)
    {
        using var timer = timeout == Timeout.InfiniteTimeSpan ? new CancellationTokenSource() : new CancellationTokenSource(timeout, _timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(_stopping, timer.Token);
        try
        {
            await _wake.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Wake() => _wake.Writer.TryWrite(true);

    private void Covered(string proxyId)
    {
        var delay = Defer(_covered);
        TunnelLog.ProxyCovered(_logger, proxyId, delay);
    }

    private TimeSpan Defer(Backoff backoff)
    {
        lock (_gate)
        {
            var delay = backoff.Next();
            _notBefore = _timeProvider.GetTimestamp() + ToTimestamp(delay);
            return delay;
        }
    }

    // TimeSpan → TimeProvider timestamp units.
    private long ToTimestamp(TimeSpan delay) => (long)(delay.TotalSeconds * _timeProvider.TimestampFrequency);
}
