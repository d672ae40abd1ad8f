namespace Ferry.Tunnel.Proxy;

/// <summary>A tunnel ended under an HTTP/2 connection; see <see cref="AgentNeverAnswered"/>.</summary>
internal sealed class TunnelClosedException(string message, bool agentNeverAnswered, Exception? inner)
    : IOException(message, inner)
{
    /// <summary>
    /// Not one byte came from the agent on this tunnel, so its Kestrel never took up the HTTP/2 connection
    /// and no request sent on it reached the agent's app.
    /// </summary>
    public bool AgentNeverAnswered { get; } = agentNeverAnswered;

    public static TunnelClosedException BeforeAgentAnswered(Exception? inner) =>
        new("The tunnel closed before the app agent answered on it.", agentNeverAnswered: true, inner);
}
