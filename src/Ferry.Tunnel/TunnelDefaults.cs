namespace Ferry.Tunnel;

/// <summary>The names both ends of the tunnel must agree on.</summary>
public static class TunnelDefaults
{
    /// <summary>The route on the proxy's public HTTPS listener where agents open tunnels.</summary>
    public const string Path = "/v1/tunnel";

    /// <summary>
    /// Agent → proxy, on the WebSocket request: the agent id it believes it has. A hint for logs only; the
    /// proxy takes the agent's identity from its client certificate.
    /// </summary>
    public const string AgentIdHeader = "X-Ferry-Tunnel-Agent";

    /// <summary>Agent → proxy: the services (app names) it offers, comma-separated. A hint, like the agent id.</summary>
    public const string ServicesHeader = "X-Ferry-Tunnel-Services";

    /// <summary>
    /// Proxy → agent, on the answer to the WebSocket request: the proxy's id (its host id), so an agent that
    /// dials a load balancer learns which proxy it reached and can hold tunnels to every one
    /// (<see cref="Agent.TunnelClientOptions.LiveProxies"/>). Trusted as far as the TLS check of the proxy goes.
    /// </summary>
    public const string ProxyIdHeader = "X-Ferry-Proxy-Id";

    /// <summary>
    /// Agent → proxy: the proxy ids the agent does not want another tunnel to (they hold their share, or left
    /// the live set), comma-separated. A proxy named there answers <see cref="DeclinedStatus"/> with its id
    /// instead of opening a surplus tunnel that a request could pick in the moment before the agent closes it.
    /// </summary>
    public const string SkipProxiesHeader = "X-Ferry-Tunnel-Skip";

    /// <summary>421 Misdirected Request (RFC 9110 §15.5.20): this proxy is not the one the agent was after.</summary>
    public const int DeclinedStatus = 421;
}
