using Microsoft.Extensions.Logging;

namespace Ferry.Tunnel;

/// <summary>
/// Tunnel log messages, event ids 4000–4099: 4000–4039 the proxy side (agents and tunnels coming and going,
/// routing), 4040–4079 the agent side (dialling, backoff), 4080–4099 the WebSocket transport under both.
/// Certificates and request contents are never logged.
/// </summary>
internal static partial class TunnelLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "App agent {AgentId} connected, serving {Services}")]
    public static partial void AgentConnected(ILogger logger, string agentId, string services);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "App agent {AgentId} disconnected: its last tunnel closed")]
    public static partial void AgentDisconnected(ILogger logger, string agentId);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Debug, Message = "Tunnel {TunnelId} from agent {AgentId} opened ({Count} open)")]
    public static partial void TunnelOpened(ILogger logger, string tunnelId, string agentId, int count);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Debug, Message = "Tunnel {TunnelId} from agent {AgentId} closed ({Count} open)")]
    public static partial void TunnelClosed(ILogger logger, string tunnelId, string agentId, int count);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Warning, Message = "Rejected a tunnel request that is not a WebSocket upgrade (is app.UseWebSockets() in the proxy's pipeline?)")]
    public static partial void NotWebSocket(ILogger logger);

    [LoggerMessage(EventId = 4005, Level = LogLevel.Warning, Message = "Could not reach app agent {AgentId} for {Service}; trying another")]
    public static partial void AgentUnreachable(ILogger logger, string agentId, string service, Exception exception);

    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "No app agent is connected for {Service}")]
    public static partial void NoAgent(ILogger logger, string service);

    [LoggerMessage(EventId = 4007, Level = LogLevel.Error, Message = "An agent {Event} handler threw")]
    public static partial void EventHandlerFailed(ILogger logger, string @event, Exception exception);

    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Tunnel {TunnelId} from agent {AgentId} did not close in time and was aborted")]
    public static partial void TunnelCloseTimedOut(ILogger logger, string tunnelId, string agentId);

    [LoggerMessage(EventId = 4009, Level = LogLevel.Debug, Message = "Declined a tunnel from agent {AgentId}: it holds its share of tunnels to this proxy")]
    public static partial void TunnelDeclined(ILogger logger, string agentId);

    [LoggerMessage(EventId = 4040, Level = LogLevel.Information, Message = "Tunnel {Slot} to {ProxyUrl} is up ({Count} up)")]
    public static partial void Connected(ILogger logger, int slot, Uri proxyUrl, int count);

    [LoggerMessage(EventId = 4041, Level = LogLevel.Information, Message = "Tunnel {Slot} to {ProxyUrl} closed after {Lifetime} ({Count} up)")]
    public static partial void Disconnected(ILogger logger, int slot, Uri proxyUrl, TimeSpan lifetime, int count);

    [LoggerMessage(EventId = 4042, Level = LogLevel.Warning, Message = "Tunnel {Slot} could not connect to {ProxyUrl}: {Reason}; retrying in {Delay}")]
    public static partial void ConnectFailed(ILogger logger, int slot, Uri proxyUrl, string reason, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 4043, Level = LogLevel.Information, Message = "Keeping {Connections} tunnels open to {ProxyUrl} as agent {AgentId}")]
    public static partial void Started(ILogger logger, int connections, Uri proxyUrl, string agentId);

    [LoggerMessage(EventId = 4044, Level = LogLevel.Information, Message = "Stopped opening tunnels to {ProxyUrl}")]
    public static partial void Stopped(ILogger logger, Uri proxyUrl);

    [LoggerMessage(EventId = 4045, Level = LogLevel.Information, Message = "Keeping {Connections} tunnels open to every live proxy behind {ProxyUrl} as agent {AgentId}")]
    public static partial void StartedPerProxy(ILogger logger, int connections, Uri proxyUrl, string agentId);

    [LoggerMessage(EventId = 4046, Level = LogLevel.Information, Message = "Tunnel to proxy {ProxyId} is up ({ProxyCount} to it, {Count} up)")]
    public static partial void ConnectedToProxy(ILogger logger, string proxyId, int proxyCount, int count);

    [LoggerMessage(EventId = 4047, Level = LogLevel.Information, Message = "Tunnel to proxy {ProxyId} closed after {Lifetime} ({Count} up)")]
    public static partial void DisconnectedFromProxy(ILogger logger, string proxyId, TimeSpan lifetime, int count);

    [LoggerMessage(EventId = 4048, Level = LogLevel.Debug, Message = "Dial reached proxy {ProxyId}, which holds its share already; dialling again in {Delay}")]
    public static partial void ProxyCovered(ILogger logger, string proxyId, TimeSpan delay);

    [LoggerMessage(EventId = 4049, Level = LogLevel.Information, Message = "Proxy {ProxyId} left the live set; closing its {Count} tunnels")]
    public static partial void ProxyLeft(ILogger logger, string proxyId, int count);

    [LoggerMessage(EventId = 4050, Level = LogLevel.Warning, Message = "Could not read the live proxies: {Reason}; keeping the last known set ({Count} proxies)")]
    public static partial void LiveProxiesFailed(ILogger logger, string reason, int count, Exception exception);

    [LoggerMessage(EventId = 4051, Level = LogLevel.Debug, Message = "Live proxies: {Proxies}")]
    public static partial void LiveProxiesChanged(ILogger logger, string proxies);

    [LoggerMessage(EventId = 4052, Level = LogLevel.Warning, Message = "The proxy behind {ProxyUrl} did not say its id and already holds {Count} tunnels; set the proxies' ids so the agent can reach each one. Dialling again in {Delay}")]
    public static partial void ProxyWithoutId(ILogger logger, Uri proxyUrl, int count, TimeSpan delay);

    [LoggerMessage(EventId = 4053, Level = LogLevel.Warning, Message = "Could not open a tunnel through {ProxyUrl}: {Reason}; retrying in {Delay}")]
    public static partial void DialFailed(ILogger logger, Uri proxyUrl, string reason, TimeSpan delay, Exception exception);

    [LoggerMessage(EventId = 4080, Level = LogLevel.Debug, Message = "Tunnel {Name}: receiving failed")]
    public static partial void TransportReceiveFailed(ILogger logger, string name, Exception exception);

    [LoggerMessage(EventId = 4081, Level = LogLevel.Debug, Message = "Tunnel {Name}: sending failed")]
    public static partial void TransportSendFailed(ILogger logger, string name, Exception exception);
}
