namespace Ferry.Tunnel.Agent;

/// <summary>A dial to the proxy failed; the message says why in words an operator can act on.</summary>
public sealed class TunnelConnectException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The proxy that answered, when it said its id (<see cref="TunnelDefaults.ProxyIdHeader"/>).</summary>
    public string? ProxyId { get; init; }

    /// <summary>
    /// The proxy declined because the agent already holds its share of tunnels there: the balancer sent the
    /// dial to a proxy already covered. Expected while converging, not a fault.
    /// </summary>
    public bool Declined { get; init; }
}
