namespace Ferry.Tunnel.Proxy;

/// <summary>
/// Who is at the other end of a tunnel, as the proxy decided from the agent's verified client certificate
/// (never from the agent's own hint headers).
/// </summary>
public sealed class TunnelPeer
{
    /// <summary>The agent's host id; one agent may open several tunnels, which are pooled under this id.</summary>
    public required string AgentId { get; init; }

    /// <summary>The services (app names) this agent may serve; requests for them may be routed to it.</summary>
    public required IReadOnlyList<string> Services { get; init; }
}
