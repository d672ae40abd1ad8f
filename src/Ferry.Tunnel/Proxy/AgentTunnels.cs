using System.Net;
using Microsoft.Extensions.Logging;

namespace Ferry.Tunnel.Proxy;

/// <summary>
/// One agent's open tunnels and the HTTP/2 client that runs over them. The client's ConnectCallback,
/// instead of dialling, takes one of the agent's idle tunnels; with several connections allowed, requests
/// spread over more tunnels once one connection carries all the streams the agent allows.
/// </summary>
internal sealed class AgentTunnels : IDisposable
{
    private readonly object _lock = new();
    private readonly List<ServerTunnel> _open = [];
    private readonly List<ServerTunnel> _idle = [];
    private readonly List<TaskCompletionSource<ServerTunnel>> _waiters = [];
    private bool _closed;

    public AgentTunnels(string agentId, IReadOnlyList<string> services, TunnelServerOptions options)
    {
        AgentId = agentId;
        Services = services;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            ConnectTimeout = options.ConnectTimeout,
            EnableMultipleHttp2Connections = true,
            // Tunnels are opened by the agent, not by us: never give one up for being idle or old.
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = options.Http2KeepAlivePingDelay,
            KeepAlivePingTimeout = options.Http2KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            InitialHttp2StreamWindowSize = options.Http2StreamWindowSize,
            // The proxy decides what crosses the tunnel; the handler adds and follows nothing on its own.
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            AutomaticDecompression = DecompressionMethods.None,
            ActivityHeadersPropagator = null,
        };
        Invoker = new HttpMessageInvoker(new TunnelRequestHandler(handler), disposeHandler: true);
    }

    public string AgentId { get; }

    public IReadOnlyList<string> Services { get; set; }

    public HttpMessageInvoker Invoker { get; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _open.Count;
            }
        }
    }

    public void Add(ServerTunnel tunnel)
    {
        lock (_lock)
        {
            _open.Add(tunnel);
            while (_waiters.Count > 0)
            {
                var waiter = _waiters[0];
                _waiters.RemoveAt(0);
                if (tunnel.TryAcquire())
                {
                    waiter.SetResult(tunnel);
                    return;
                }
            }

            _idle.Add(tunnel);
        }
    }

    /// <summary>Forgets a closed tunnel; returns how many remain. At zero the agent is gone for good.</summary>
    public int Remove(ServerTunnel tunnel)
    {
        lock (_lock)
        {
            _open.Remove(tunnel);
            _idle.Remove(tunnel);
            if (_open.Count == 0)
            {
                _closed = true;
                foreach (var waiter in _waiters)
                {
                    waiter.SetException(TunnelUnavailableException.AgentGone(AgentId));
                }

                _waiters.Clear();
            }

            return _open.Count;
        }
    }

    public void AbortAll()
    {
        lock (_lock)
        {
            foreach (var tunnel in _open)
            {
                tunnel.Abort();
            }
        }
    }

    public void Dispose() => Invoker.Dispose();

    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        TaskCompletionSource<ServerTunnel> waiter;
        lock (_lock)
        {
            while (_idle.Count > 0)
            {
                // Most recently opened first: the oldest idle tunnels are the likeliest to have died unnoticed.
                var tunnel = _idle[^1];
                _idle.RemoveAt(_idle.Count - 1);
                if (tunnel.TryAcquire())
                {
                    return tunnel.OpenStream();
                }
            }

            if (_closed || _open.Count == 0)
            {
                // Fail fast: nothing will come back unless the agent dials again.
                throw TunnelUnavailableException.AgentGone(AgentId);
            }

            // Every tunnel already carries an HTTP/2 connection at its stream limit; the agent redials a
            // tunnel as soon as one closes, or a stream frees up on a busy one and the handler uses that.
            waiter = new TaskCompletionSource<ServerTunnel>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiters.Add(waiter);
        }

        try
        {
            var tunnel = await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return tunnel.OpenStream();
        }
        catch (OperationCanceledException)
        {
            lock (_lock)
            {
                if (!_waiters.Remove(waiter) && waiter.Task.IsCompletedSuccessfully)
                {
                    // A tunnel was handed to us as we gave up: put it back for the next one.
                    var tunnel = waiter.Task.Result;
                    tunnel.Unacquire();
                    _idle.Add(tunnel);
                }
            }

            throw;
        }
    }
}
