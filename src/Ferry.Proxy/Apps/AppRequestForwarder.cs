using System.Security.Cryptography.X509Certificates;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Errors;
using Ferry.Aws.SigV4;
using Ferry.Client.Access;
using Ferry.Client.Caching;
using Ferry.Core.Resources;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Hosting;
using Ferry.Tunnel;
using Ferry.Tunnel.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Ferry.Proxy.Apps;

/// <summary>
/// App traffic from tsh local proxies (design/aws-access.md §1.6):
/// <code>
///   app certificate → the app session it names must exist, belong to that user and be unexpired
///   → strip client X-Forwarded-* / X-Teleport-* / X-Ferry-* → set X-Forwarded-Host (AWS hosts only) and friends
///   → attach the caller's certificate for the agent to verify → a live agent serving the app, over its tunnel
///   → stream the answer back
/// </code>
/// </summary>
internal sealed partial class AppRequestForwarder
{
    /// <summary>As at the agent: the reference system's cap on AWS request bodies.</summary>
    private const long MaxBodyBytes = 70L * 1024 * 1024;

    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly TunnelServer _tunnels;
    private readonly WatchCache<AppSessionInfo> _sessions;
    private readonly AppDirectory _apps;
    private readonly AccessChecker _access;
    private readonly Action<AuditEvent> _audit;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AppRequestForwarder(TunnelServer tunnels, WatchCache<AppSessionInfo> sessions, AppDirectory apps, AccessChecker access, Action<AuditEvent> audit, TimeProvider time, ILogger logger)
    {
        _tunnels = tunnels;
        _sessions = sessions;
        _apps = apps;
        _access = access;
        _audit = audit;
        _time = time;
        _logger = logger;
    }

    public async Task ForwardAsync(HttpContext context, FerryIdentity identity, X509Certificate2 certificate)
    {
        var request = context.Request;
        var route = identity.RouteToApp!;
        try
        {
            var session = _sessions.Get("/app_sessions/" + route.SessionId);
            if (session is null || session.User != identity.Username || session.AppName != route.AppName || session.Expires <= _time.GetUtcNow())
            {
                _audit(new AuditEvent
                {
                    Type = EventTypes.AuthAttemptFailure,
                    Code = EventTypes.Code(EventTypes.AuthAttemptFailure, false),
                    Time = _time.GetUtcNow(),
                    Id = Guid.NewGuid().ToString(),
                    User = identity.Username,
                    Success = false,
                    Error = "invalid app session",
                }.Set("sid", route.SessionId).Set("app_name", route.AppName).Set("addr.remote", context.Connection.RemoteIpAddress?.ToString()));
                throw FerryException.AccessDenied($"invalid session: the app session for \"{route.AppName}\" has ended or expired; run tsh apps login {route.AppName}");
            }

            // RBAC here as well as at the agent: a request the roles no longer allow never reaches a tunnel.
            var app = _apps.ByName(route.AppName);
            if (app is not null && !_access.Check(identity, app).Allowed)
            {
                throw FerryException.AccessDenied($"access to app \"{route.AppName}\" with this role is denied; run tsh apps login {route.AppName} to see the roles you may use");
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = MaxBodyBytes;
            }

            using var message = BuildMessage(context, certificate);
            using var response = await _tunnels.SendAsync(route.AppName, message, context.RequestAborted);
            await ProxiedResponses.CopyAsync(context, response);
        }
        catch (TunnelUnavailableException e)
        {
            LogNoAgent(_logger, route.AppName, e.Message);
            await WriteErrorAsync(context, FerryException.Unavailable(
                $"no app service is connected for \"{route.AppName}\"; check that its agent is running and has joined the cluster (tctl apps ls)"));
        }
        catch (FerryException e)
        {
            await WriteErrorAsync(context, e);
        }
        catch (HttpRequestException e) when (!context.RequestAborted.IsCancellationRequested)
        {
            LogNoAgent(_logger, route.AppName, e.Message);
            await WriteErrorAsync(context, FerryException.Unavailable($"the app service for \"{route.AppName}\" went away during the request; try again"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    /// <summary>Answers an AWS client whose certificate failed verification, in its protocol's error shape.</summary>
    public Task RejectAsync(HttpContext context, FerryException error) => WriteErrorAsync(context, error);

    /// <summary>"No agent" is a gateway problem (502), whatever the AWS protocol's own mapping of Unavailable.</summary>
    private static Task WriteErrorAsync(HttpContext context, FerryException error) =>
        ProxiedResponses.WriteAwsErrorAsync(context, error, error.Kind == ErrorKind.Unavailable ? StatusCodes.Status502BadGateway : null);

    private static HttpRequestMessage BuildMessage(HttpContext context, X509Certificate2 certificate)
    {
        var request = context.Request;
        var rawTarget = context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : request.Path.ToUriComponent() + request.QueryString.Value;
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri("http://agent" + rawTarget, RawUri));
        var hasBody = request.ContentLength > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
        if (hasBody)
        {
            message.Content = new StreamContent(request.Body);
            if (request.ContentLength is { } length)
            {
                message.Content.Headers.ContentLength = length;
            }
        }

        foreach (var (name, values) in request.Headers)
        {
            if (ReservedHeaders.IsReserved(name) || name.Equals("Host", StringComparison.OrdinalIgnoreCase) || name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
            else
            {
                message.Headers.TryAddWithoutValidation(name, values.ToArray());
            }
        }

        var host = request.Host.Value ?? "";
        message.Headers.Host = host;
        if (AwsHostNames.IsAwsEndpoint(host))
        {
            // tsh in HTTPS_PROXY mode sends the AWS host as Host; in endpoint-URL mode the agent uses the signing scope.
            message.Headers.TryAddWithoutValidation("X-Forwarded-Host", host);
        }

        message.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        if (context.Connection.RemoteIpAddress is { } remote)
        {
            message.Headers.TryAddWithoutValidation("X-Forwarded-For", remote.ToString());
        }

        message.Headers.TryAddWithoutValidation(ApiHeaders.ForwardedCertificate, Convert.ToBase64String(certificate.RawData));
        return message;
    }

    [LoggerMessage(EventId = 8000, Level = LogLevel.Warning, Message = "No app service reachable for {App}: {Reason}")]
    private static partial void LogNoAgent(ILogger logger, string app, string reason);
}
