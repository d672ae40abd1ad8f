using Microsoft.Extensions.Logging;

namespace Ferry.LocalProxy;

/// <summary>
/// Local AWS proxy log messages, event ids 5000–5099: 5000–5009 lifecycle, 5010–5029 the forward proxy
/// (CONNECT), 5030–5059 requests and forwarding. Never logged: the secret key, Authorization values,
/// signatures, certificates' keys and request or response bodies: no secret or body ever reaches a log.
/// </summary>
internal static partial class LocalProxyLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "Started the local AWS proxy in {Mode} mode on 127.0.0.1:{Port}, forwarding to {Upstream}")]
    public static partial void Started(ILogger logger, AwsLocalProxyMode mode, int port, string upstream);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Stopped the local AWS proxy on 127.0.0.1:{Port}")]
    public static partial void Stopped(ILogger logger, int port);

    [LoggerMessage(EventId = 5010, Level = LogLevel.Debug, Message = "CONNECT {Host}:{Port}: intercepted as an AWS endpoint")]
    public static partial void ConnectIntercepted(ILogger logger, string host, int port);

    [LoggerMessage(EventId = 5011, Level = LogLevel.Debug, Message = "CONNECT {Host}:{Port}: tunnelled {Route}")]
    public static partial void ConnectTunnelled(ILogger logger, string host, int port, string route);

    [LoggerMessage(EventId = 5012, Level = LogLevel.Warning, Message = "CONNECT {Host}:{Port}: dialling failed, answered 503")]
    public static partial void ConnectDialFailed(ILogger logger, string host, int port, Exception exception);

    [LoggerMessage(EventId = 5013, Level = LogLevel.Warning, Message = "CONNECT {Host}:{Port}: the system proxy {SystemProxy} failed ({Detail}), answered 502")]
    public static partial void SystemProxyFailed(ILogger logger, string host, int port, string systemProxy, string detail);

    [LoggerMessage(EventId = 5014, Level = LogLevel.Debug, Message = "Rejected a {Method} request on the forward proxy: only CONNECT is accepted")]
    public static partial void NotConnect(ILogger logger, string method);

    [LoggerMessage(EventId = 5015, Level = LogLevel.Debug, Message = "Rejected a malformed request on the forward proxy: {Reason}")]
    public static partial void MalformedConnect(ILogger logger, string reason);

    [LoggerMessage(EventId = 5030, Level = LogLevel.Warning, Message = "Rejected {Method} {Host}: {Status}: {Reason}; answered 403 and forwarded nothing")]
    public static partial void SignatureRejected(ILogger logger, string method, string host, Aws.SigV4.SigV4VerificationStatus status, string reason);

    [LoggerMessage(EventId = 5031, Level = LogLevel.Warning, Message = "Rejected {Method} {Host}: the body is larger than {Limit} bytes; answered 413")]
    public static partial void BodyTooLarge(ILogger logger, string method, string host, long limit);

    [LoggerMessage(EventId = 5032, Level = LogLevel.Warning, Message = "The Ferry proxy answered {Method} {Host} with {StatusCode}: {ApiError}")]
    public static partial void UpstreamApiError(ILogger logger, string method, string host, int statusCode, string apiError);

    [LoggerMessage(EventId = 5033, Level = LogLevel.Information, Message = "The Ferry proxy says about {Method} {Host}: {ApiInfo}")]
    public static partial void UpstreamApiInfo(ILogger logger, string method, string host, string apiInfo);

    [LoggerMessage(EventId = 5034, Level = LogLevel.Error, Message = "Cannot reach the Ferry proxy at {Upstream} for {Method} {Host}; answered 502")]
    public static partial void UpstreamUnreachable(ILogger logger, string upstream, string method, string host, Exception exception);

    [LoggerMessage(EventId = 5035, Level = LogLevel.Warning, Message = "The response of the Ferry proxy to {Method} {Host} broke off; the client connection was aborted")]
    public static partial void UpstreamResponseBroken(ILogger logger, string method, string host, Exception exception);

    [LoggerMessage(EventId = 5038, Level = LogLevel.Warning, Message = "Rejected {Method} {Host}: signed with SigV4a (AWS4-ECDSA-P256-SHA256), which Ferry does not support; answered 400")]
    public static partial void SigV4aRefused(ILogger logger, string method, string host);

    [LoggerMessage(EventId = 5036, Level = LogLevel.Debug, Message = "Rejected a request with the target '{Target}': not origin-form or absolute-form")]
    public static partial void BadTarget(ILogger logger, string target);

    [LoggerMessage(EventId = 5037, Level = LogLevel.Debug, Message = "Warming up the connection to the Ferry proxy failed: {Reason}")]
    public static partial void WarmUpFailed(ILogger logger, string reason);
}
