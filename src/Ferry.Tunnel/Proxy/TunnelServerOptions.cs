namespace Ferry.Tunnel.Proxy;

/// <summary>The proxy side's timings and window sizes. Defaults suit a WAN between agent and proxy.</summary>
public sealed class TunnelServerOptions
{
    /// <summary>
    /// This proxy's id (its host id), sent to agents on every tunnel answer
    /// (<see cref="TunnelDefaults.ProxyIdHeader"/>). Agents behind a load balancer need it to hold tunnels to
    /// every proxy; null sends none, and such a proxy cannot decline a surplus tunnel.
    /// </summary>
    public string? ProxyId { get; init; }

    /// <summary>
    /// WebSocket pings on every tunnel, so a silently dead agent (no FIN, e.g. a lost network path) is
    /// noticed even while its tunnel is idle and no HTTP/2 connection runs on it yet.
    /// </summary>
    public TimeSpan WebSocketKeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait for the pong before the tunnel is aborted.</summary>
    public TimeSpan WebSocketKeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>HTTP/2 PING on connections in use (SocketsHttpHandler.KeepAlivePingDelay), sent even when idle.</summary>
    public TimeSpan Http2KeepAlivePingDelay { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long to wait for the PING's ack before the HTTP/2 connection is closed.</summary>
    public TimeSpan Http2KeepAlivePingTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The HTTP/2 receive window per stream for responses (agent → proxy). The 64 KiB protocol default
    /// caps one download at 64 KiB per round trip; 4 MiB lets one stream fill a fast WAN link, and the
    /// handler grows it further on its own when the link needs it.
    /// </summary>
    public int Http2StreamWindowSize { get; init; } = 4 * 1024 * 1024;

    /// <summary>
    /// How long a request waits for a tunnel when all of an agent's tunnels already carry as many HTTP/2
    /// streams as the agent allows. An agent with no tunnel at all fails at once instead.
    /// </summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a closing tunnel may take for the WebSocket close handshake before it is aborted.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);
}
