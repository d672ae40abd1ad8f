namespace Ferry.Tunnel.Proxy;

/// <summary>An agent's first tunnel opened, or its last one closed.</summary>
public sealed class TunnelAgentEventArgs(string agentId, IReadOnlyList<string> services) : EventArgs
{
    public string AgentId { get; } = agentId;

    public IReadOnlyList<string> Services { get; } = services;
}
