using Ferry.Core.Errors;

namespace Ferry.Tunnel;

/// <summary>
/// No tunnel could carry a request: no agent serving the service is connected, or every one that was
/// failed before the request could be sent. Nothing reached an agent, so the caller may retry.
/// <see cref="FerryException"/> is sealed, so this is its own type; it maps to <see cref="ErrorKind.Unavailable"/>.
/// </summary>
public sealed class TunnelUnavailableException : Exception
{
    public TunnelUnavailableException(string message, string? service = null, string? agentId = null, Exception? inner = null)
        : base(message, inner)
    {
        Service = service;
        AgentId = agentId;
    }

    /// <summary>The service the request was for, when it was sent by service.</summary>
    public string? Service { get; }

    /// <summary>The agent whose tunnels were unavailable, when a single agent was asked.</summary>
    public string? AgentId { get; }

    public ErrorKind Kind => ErrorKind.Unavailable;

    internal static TunnelUnavailableException NoAgent(string service) => new(
        $"no app service is connected for \"{service}\"; check that the app agent is running and joined", service);

    internal static TunnelUnavailableException AllAgentsFailed(string service, int tried, Exception? last) => new(
        $"no app service could be reached for \"{service}\" ({tried} connected, all of their tunnels failed); " +
        "check that the app agent is running and can reach the proxy", service, inner: last);

    internal static TunnelUnavailableException AgentGone(string agentId) => new(
        $"app agent \"{agentId}\" has no open tunnel to this proxy; check that it is running and can reach the proxy",
        agentId: agentId);
}
