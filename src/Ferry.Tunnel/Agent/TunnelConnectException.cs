namespace Ferry.Tunnel.Agent;

/// <summary>A dial to the proxy failed; the message says why in words an operator can act on.</summary>
public sealed class TunnelConnectException(string message, Exception inner) : Exception(message, inner);
