using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Tunnel.Proxy;

/// <summary>
/// The proxy's end of the reverse tunnel. App agents cannot be dialled, so they dial us: each WebSocket an
/// agent opens on <see cref="TunnelDefaults.Path"/> becomes one byte stream, and the proxy runs an HTTP/2
/// client over the agent's streams, so many requests share each tunnel as HTTP/2 streams.
/// <code>
///   agent ──wss /v1/tunnel (mTLS)──► proxy route ──► AcceptAsync(context, peer)
///                                                       └─► agent pool: idle tunnels
///   SendAsync(service) / GetInvoker(agent) ──► SocketsHttpHandler ──ConnectCallback──► takes an idle tunnel
///                                                       └─► HTTP/2 (h2c, prior knowledge) ──► agent's Kestrel
/// </code>
/// Authentication is the caller's: the route checks the agent's client certificate before calling
/// <see cref="AcceptAsync"/> and says who the agent is in a <see cref="TunnelPeer"/>.
/// </summary>
public sealed class TunnelServer : IAsyncDisposable
{
    // The parts of an agent's HTTP client whose disposal means the request never left.
    private static readonly string[] ClientTypes =
        [typeof(HttpMessageInvoker).FullName!, typeof(SocketsHttpHandler).FullName!, typeof(TunnelRequestHandler).FullName!];

    private readonly TunnelServerOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly object _lock = new();
    private readonly Dictionary<string, AgentTunnels> _agents = new(StringComparer.Ordinal);
    private long _nextTunnelId;
    private bool _disposed;

    public TunnelServer(TunnelServerOptions? options = null, ILoggerFactory? loggerFactory = null, TimeProvider? timeProvider = null)
    {
        _options = options ?? new TunnelServerOptions();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger<TunnelServer>();
    }

    /// <summary>An agent's first tunnel opened. Raised outside any lock; a throwing handler is logged.</summary>
    public event EventHandler<TunnelAgentEventArgs>? AgentConnected;

    /// <summary>An agent's last tunnel closed; requests for it fail until it dials again.</summary>
    public event EventHandler<TunnelAgentEventArgs>? AgentDisconnected;

    /// <summary>
    /// Accepts the WebSocket upgrade on the tunnel route and keeps the request open until the tunnel closes.
    /// The caller must have verified the agent's client certificate; <paramref name="peer"/> is its verdict.
    /// Needs <c>app.UseWebSockets()</c> earlier in the proxy's pipeline. Every answer carries
    /// <see cref="TunnelServerOptions.ProxyId"/>; an agent that already holds its share of tunnels here (it says
    /// so in <see cref="TunnelDefaults.SkipProxiesHeader"/>) is declined with 421 and no tunnel opens.
    /// </summary>
    public async Task AcceptAsync(HttpContext context, TunnelPeer peer)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(peer);
        ArgumentException.ThrowIfNullOrEmpty(peer.AgentId);
        ArgumentNullException.ThrowIfNull(peer.Services);

        // 0. Say who we are on every answer: an agent behind a load balancer counts its tunnels per proxy.
        var proxyId = _options.ProxyId;
        if (!string.IsNullOrEmpty(proxyId))
        {
            context.Response.Headers[TunnelDefaults.ProxyIdHeader] = proxyId;
        }

        // 1. Only a WebSocket upgrade can become a tunnel (TunnelClient always asks for one).
        if (!context.WebSockets.IsWebSocketRequest)
        {
            TunnelLog.NotWebSocket(_logger);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("expected a WebSocket upgrade for the app tunnel", context.RequestAborted).ConfigureAwait(false);
            return;
        }

        if (Volatile.Read(ref _disposed))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        // 2. The agent already holds its share of tunnels here (it dialled a load balancer and landed on us
        //    again): decline before the tunnel exists, so no request can pick a tunnel the agent would close.
        if (!string.IsNullOrEmpty(proxyId) && AgentSkips(context.Request.Headers[TunnelDefaults.SkipProxiesHeader], proxyId))
        {
            TunnelLog.TunnelDeclined(_logger, peer.AgentId);
            context.Response.StatusCode = TunnelDefaults.DeclinedStatus;
            return;
        }

        // 3. Accept, with pings: an idle tunnel carries no HTTP/2 yet, so only WebSocket pings can tell
        //    that its agent is gone.
        var webSocket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = _options.WebSocketKeepAliveInterval,
            KeepAliveTimeout = _options.WebSocketKeepAliveTimeout,
            DangerousEnableCompression = false,
        }).ConfigureAwait(false);

        // 4. Pool the tunnel under its agent; the first one makes the agent connected.
        var tunnelId = "t" + Interlocked.Increment(ref _nextTunnelId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var tunnel = new ServerTunnel(tunnelId, peer.AgentId, webSocket, _logger);
        var (agent, isNew, count) = Register(peer, tunnel);
        TunnelLog.TunnelOpened(_logger, tunnelId, peer.AgentId, count);
        if (isNew)
        {
            TunnelLog.AgentConnected(_logger, peer.AgentId, string.Join(",", peer.Services));
            Raise(AgentConnected, nameof(AgentConnected), agent);
        }

        // 5. Hold the request open while the tunnel lives; the last one to close disconnects the agent.
        try
        {
            await tunnel.RunAsync(_options.CloseTimeout, _timeProvider).ConfigureAwait(false);
        }
        finally
        {
            var (remaining, gone) = Unregister(agent, tunnel);
            TunnelLog.TunnelClosed(_logger, tunnelId, peer.AgentId, remaining);
            if (gone)
            {
                agent.Dispose();
                TunnelLog.AgentDisconnected(_logger, peer.AgentId);
                Raise(AgentDisconnected, nameof(AgentDisconnected), agent);
            }
        }
    }

    /// <summary>
    /// The HTTP client for one connected agent, or null when it has no open tunnel. Use it (e.g. as YARP's
    /// forwarder client) with any absolute or relative URI: only path and query reach the agent.
    /// Do not dispose it; it is disposed when the agent's last tunnel closes.
    /// </summary>
    public HttpMessageInvoker? GetInvoker(string agentId)
    {
        lock (_lock)
        {
            return _agents.TryGetValue(agentId, out var agent) ? agent.Invoker : null;
        }
    }

    /// <summary>How many agents hold at least one tunnel here (for /metrics).</summary>
    public int ConnectedAgents
    {
        get
        {
            lock (_lock)
            {
                return _agents.Count;
            }
        }
    }

    /// <summary>The connected agents that serve <paramref name="service"/>.</summary>
    public IReadOnlyList<string> AgentsFor(string service)
    {
        lock (_lock)
        {
            return [.. _agents.Values.Where(a => a.Services.Contains(service, StringComparer.Ordinal)).Select(a => a.AgentId)];
        }
    }

    /// <summary>
    /// Sends a request to a random connected agent serving <paramref name="service"/>. If no tunnel of that
    /// agent could be used (none obtainable, or it died before the request went out), tries the others;
    /// nothing has reached an agent then, so this is safe for any method. Failures after the request was
    /// sent are the caller's, as with any HTTP client.
    /// </summary>
    /// <exception cref="TunnelUnavailableException">No agent serving the service could be reached.</exception>
    public Task<HttpResponseMessage> SendAsync(string service, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(service);
        AgentTunnels[] candidates;
        lock (_lock)
        {
            candidates = [.. _agents.Values.Where(a => a.Services.Contains(service, StringComparer.Ordinal))];
        }

        return SendAsync(candidates, service, request, cancellationToken);
    }

    /// <summary>
    /// Like <see cref="SendAsync(string, HttpRequestMessage, CancellationToken)"/>, but among the agents the caller chose
    /// (e.g. from a registry it trusts more than what agents say of themselves); <paramref name="service"/> names the
    /// target in logs and errors only.
    /// </summary>
    public Task<HttpResponseMessage> SendAsync(IReadOnlyCollection<string> agentIds, string service, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(agentIds);
        AgentTunnels[] candidates;
        lock (_lock)
        {
            candidates = [.. agentIds.Select(id => _agents.GetValueOrDefault(id)).Where(a => a is not null).Select(a => a!)];
        }

        return SendAsync(candidates, service, request, cancellationToken);
    }

    private async Task<HttpResponseMessage> SendAsync(AgentTunnels[] candidates, string service, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        if (candidates.Length == 0)
        {
            TunnelLog.NoAgent(_logger, service);
            throw TunnelUnavailableException.NoAgent(service);
        }

        Random.Shared.Shuffle(candidates);
        Exception? last = null;
        foreach (var agent in candidates)
        {
            try
            {
                return await agent.Invoker.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested && WasNotSent(ex))
            {
                TunnelLog.AgentUnreachable(_logger, agent.AgentId, service, ex);
                last = ex;
            }
        }

        throw TunnelUnavailableException.AllAgentsFailed(service, candidates.Length, last);
    }

    public ValueTask DisposeAsync()
    {
        AgentTunnels[] agents;
        lock (_lock)
        {
            _disposed = true;
            agents = [.. _agents.Values];
        }

        // Aborting ends each tunnel's AcceptAsync, which unregisters it and disposes the agent's client.
        foreach (var agent in agents)
        {
            agent.AbortAll();
        }

        return ValueTask.CompletedTask;
    }

    private static bool AgentSkips(Microsoft.Extensions.Primitives.StringValues skip, string proxyId)
    {
        foreach (var value in skip)
        {
            foreach (var id in (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (string.Equals(id, proxyId, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>True when the request never left the proxy: no tunnel could be had, or the client was gone.</summary>
    private static bool WasNotSent(Exception ex) => ex switch
    {
        TunnelUnavailableException => true,
        // The agent's last tunnel closed and its client was disposed between picking it and sending.
        ObjectDisposedException disposed => disposed.ObjectName is { } name && ClientTypes.Contains(name),
        // ConnectCallback failed (no tunnel obtainable), including a retry SocketsHttpHandler makes on its
        // own when a connection closes before a request's headers were written on it.
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError } => true,
        // The tunnel died before the agent's Kestrel answered on it (see TunnelStream).
        HttpRequestException => InnerExceptions(ex).Any(e => e is TunnelClosedException { AgentNeverAnswered: true }),
        _ => false,
    };

    private static IEnumerable<Exception> InnerExceptions(Exception ex)
    {
        for (var inner = ex.InnerException; inner is not null; inner = inner.InnerException)
        {
            yield return inner;
        }
    }

    private (AgentTunnels Agent, bool IsNew, int Count) Register(TunnelPeer peer, ServerTunnel tunnel)
    {
        lock (_lock)
        {
            var isNew = !_agents.TryGetValue(peer.AgentId, out var agent);
            if (agent is null)
            {
                agent = new AgentTunnels(peer.AgentId, peer.Services, _options);
                _agents.Add(peer.AgentId, agent);
            }

            // The latest certificate's word wins: an agent re-joined with other apps serves those now.
            agent.Services = peer.Services;
            agent.Add(tunnel);
            return (agent, isNew, agent.Count);
        }
    }

    private (int Remaining, bool Gone) Unregister(AgentTunnels agent, ServerTunnel tunnel)
    {
        lock (_lock)
        {
            var remaining = agent.Remove(tunnel);
            if (remaining == 0 && _agents.TryGetValue(agent.AgentId, out var current) && current == agent)
            {
                _agents.Remove(agent.AgentId);
            }

            return (remaining, remaining == 0);
        }
    }

    private void Raise(EventHandler<TunnelAgentEventArgs>? handler, string name, AgentTunnels agent)
    {
        if (handler is null)
        {
            return;
        }

        try
        {
            handler(this, new TunnelAgentEventArgs(agent.AgentId, agent.Services));
        }
        catch (Exception ex)
        {
            TunnelLog.EventHandlerFailed(_logger, name, ex);
        }
    }
}
