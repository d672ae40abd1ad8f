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
}
