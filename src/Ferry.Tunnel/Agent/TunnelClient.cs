using Ferry.Core.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Tunnel.Agent;

/// <summary>
/// The app agent's end of the reverse tunnel. The agent has no inbound port: it dials the proxy's public
/// HTTPS listener (<c>wss://proxy/v1/tunnel</c>, mTLS with its host certificate), keeps
/// <see cref="TunnelClientOptions.Connections"/> tunnels open and redials with backoff when they drop.
/// Kestrel serves HTTP/2 on each tunnel, so the agent's request handling is an ordinary ASP.NET Core app:
/// <code>
///   await using var tunnel = new TunnelClient(options, loggerFactory);
///   builder.WebHost.UseTunnel(tunnel);
/// </code>
/// Dialling starts when Kestrel starts (binds the tunnel endpoint) and stops when Kestrel stops. Behind a
/// load balancer with several proxies, <see cref="TunnelClientOptions.LiveProxies"/> makes it hold that many
/// tunnels to each live proxy (<see cref="TunnelsByProxy"/>), so a request reaching any proxy finds the agent.
/// </summary>
public sealed class TunnelClient : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly ILoggerFactory _loggerFactory;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private TaskCompletionSource _up = NewSignal();
    private int _connected;
    private long _dials;
    private TunnelConnectionListener? _listener;
    private bool _disposed;

    public TunnelClient(TunnelClientOptions options, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw FerryException.BadParameter("invalid tunnel options: " + string.Join("; ", problems));
        }

        Options = options;
        _loggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = _loggerFactory.CreateLogger<TunnelClient>();
    }

    public TunnelClientOptions Options { get; }

    /// <summary>True while at least one tunnel is open.</summary>
    public bool IsConnected => ConnectedTunnels > 0;

    /// <summary>How many tunnels are open right now.</summary>
    public int ConnectedTunnels => Volatile.Read(ref _connected);

    /// <summary>
    /// Open tunnels per proxy id, as each proxy said on connect (<see cref="TunnelDefaults.ProxyIdHeader"/>;
    /// "" for proxies that said none): for status pages and metrics. A snapshot; empty while not listening.
    /// </summary>
    public IReadOnlyDictionary<string, int> TunnelsByProxy
    {
        get
        {
            TunnelConnectionListener? listener;
            lock (_lock)
            {
                listener = _listener;
            }

            return listener?.TunnelsByProxy() ?? new Dictionary<string, int>();
        }
    }

    /// <summary>Dials attempted so far (each TCP + TLS + WebSocket upgrade), successful or not.</summary>
    internal long Dials => Interlocked.Read(ref _dials);

    /// <summary>Why the most recent dial failed (null until one does): for status pages and tests.</summary>
    public Exception? LastError { get; private set; }

    /// <summary>Raised when a tunnel opens or closes; read <see cref="ConnectedTunnels"/> for the count.</summary>
    public event EventHandler? ConnectionChanged;

    /// <summary>Completes as soon as at least one tunnel is open (at once if one is).</summary>
    public Task WaitUntilConnectedAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return _up.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Stops dialling and aborts the tunnels. Stopping the Kestrel app first closes them gracefully.</summary>
    public async ValueTask DisposeAsync()
    {
        TunnelConnectionListener? listener;
        lock (_lock)
        {
            _disposed = true;
            listener = _listener;
        }

        if (listener is not null)
        {
            await listener.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal TunnelConnectionListener Bind(TunnelEndPoint endPoint)
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_listener is not null)
            {
                throw new InvalidOperationException("This TunnelClient already serves a Kestrel listener; create one client per listener.");
            }

            _listener = new TunnelConnectionListener(this, endPoint, _timeProvider, _logger);
            return _listener;
        }
    }

    internal void Unbind(TunnelConnectionListener listener)
    {
        lock (_lock)
        {
            if (_listener == listener)
            {
                _listener = null;
            }
        }
    }

    internal void ReportFailure(Exception error) => LastError = error;

    internal void CountDial() => Interlocked.Increment(ref _dials);

    internal int TunnelUp()
    {
        int count;
        lock (_lock)
        {
            count = ++_connected;
            _up.TrySetResult();
        }

        RaiseConnectionChanged();
        return count;
    }

    internal int TunnelDown()
    {
        int count;
        lock (_lock)
        {
            count = --_connected;
            if (count == 0)
            {
                _up = NewSignal();
            }
        }

        RaiseConnectionChanged();
        return count;
    }

    // A throwing handler must not take a dialling loop down with it.
    private void RaiseConnectionChanged()
    {
        try
        {
            ConnectionChanged?.Invoke(this, EventArgs.Empty);
        }
        catch (Exception ex)
        {
            TunnelLog.EventHandlerFailed(_logger, nameof(ConnectionChanged), ex);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
