using Ferry.Aws;
using Ferry.Aws.DynamoDb;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Errors;
using Ferry.Aws.SigV4;
using Ferry.Cluster.Access;
using Ferry.Cluster.Audit;
using Ferry.Cluster.Caching;
using Ferry.Cluster.Locks;
using Ferry.Core.Resources;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Hosting;
using Ferry.Hosting.Callers;
using Ferry.Tunnel;
using Ferry.Tunnel.Proxy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

using Ferry.Proxy.Caching;

namespace Ferry.Proxy.Apps;

/// <summary>
/// App traffic from tsh local proxies (docs/architecture.md, "AWS API access"):
/// <code>
///   app certificate, not locked or revoked (ClusterGate) → the app session it names must exist, belong to that user and be unexpired
///   → strip client X-Forwarded-* / X-Teleport-* / X-Ferry-* → set X-Forwarded-Host (AWS hosts only) and friends
///   → attach the caller's certificate for the agent to verify → a live agent auth accepted for the app, over its tunnel
///   → stream the answer back
/// </code>
/// </summary>
internal sealed partial class AppRequestForwarder
{
    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly TunnelServer _tunnels;
    private readonly CacheOrAuth<AppSessionInfo> _sessions;
    private readonly AppDirectory _apps;
    private readonly AccessChecker _access;
    private readonly ClusterGate _gate;
    private readonly AuditBatcher _audit;
    private readonly string _clusterName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AppRequestForwarder(
        TunnelServer tunnels, CacheOrAuth<AppSessionInfo> sessions, AppDirectory apps, AccessChecker access, ClusterGate gate, AuditBatcher audit,
        string clusterName, TimeProvider time, ILogger logger)
    {
        _tunnels = tunnels;
        _sessions = sessions;
        _apps = apps;
        _access = access;
        _gate = gate;
        _audit = audit;
        _clusterName = clusterName;
        _time = time;
        _logger = logger;
    }

    /// <summary>
    /// Forwards one app request of <paramref name="caller"/>, or refuses it (<paramref name="refusal"/>: the caller is
    /// locked, revoked, or the proxy's view of the cluster is stale). Every refusal here and every request that never got
    /// an answer from an agent is audited here; requests an agent answered are audited by that agent.
    /// </summary>
    public async Task ForwardAsync(HttpContext context, Caller caller, FerryException? refusal)
    {
        var identity = caller.Identity;
        var route = identity.RouteToApp!;
        var (path, query) = RequestTarget.Raw(context);
        var audit = Describe(new AppRequestAudit("proxy", identity, context.Request.Method, path, query), context.Request);
        var answered = false;
        try
        {
            if (refusal is not null)
            {
                throw refusal;
            }

            using var live = _gate.Track(identity, context);
            var session = await _sessions.FindAsync(route.SessionId, context.RequestAborted);
            if (session is null || session.User != identity.Username || session.AppName != route.AppName || session.Expires <= _time.GetUtcNow())
            {
                throw FerryException.AccessDenied($"invalid session: the app session for \"{route.AppName}\" has ended or expired; run tsh apps login {route.AppName}");
            }

            var app = _apps.ByName(route.AppName)
                ?? throw FerryException.Unavailable($"no app service is connected for \"{route.AppName}\"; check that its agent is running and has joined the cluster (tctl apps ls)");
            audit.ForApp(app);

            // RBAC here as well as at the agent: a request the roles no longer allow never reaches a tunnel.
            if (!_access.Check(identity, app).Allowed)
            {
                throw FerryException.AccessDenied($"access to app \"{route.AppName}\" with this role is denied; run tsh apps login {route.AppName} to see the roles you may use");
            }

            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = AwsBodyLimits.MaxBytes(context.Request.Headers["X-Amz-Content-Sha256"].ToString());
            }

            using var message = BuildMessage(context, caller.CertificateDer);
            using var response = await _tunnels.SendAsync(_apps.AgentsFor(app.Name), app.Name, message, context.RequestAborted);
            answered = true; // from here on the agent has audited the request
            await ProxiedResponses.CopyAsync(context, response);
        }
        catch (TunnelUnavailableException e)
        {
            LogNoAgent(_logger, route.AppName, e.Message);
            await RefuseAsync(context, audit, FerryException.Unavailable(
                $"no app service is connected for \"{route.AppName}\"; check that its agent is running and has joined the cluster (tctl apps ls)"));
        }
        catch (FerryException e)
        {
            await RefuseAsync(context, audit, e);
        }
        catch (HttpRequestException e) when (!context.RequestAborted.IsCancellationRequested && !answered)
        {
            LogNoAgent(_logger, route.AppName, e.Message);
            await RefuseAsync(context, audit, FerryException.Unavailable($"the app service for \"{route.AppName}\" went away during the request; try again"));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away, or a lock cut the request.
            if (!answered)
            {
                audit.Emit(_audit, _clusterName, 499, _gate.Refusal(identity)?.Message ?? "the client closed the request", _time);
            }
        }
    }

    private async Task RefuseAsync(HttpContext context, AppRequestAudit audit, FerryException error)
    {
        var status = error.Kind == ErrorKind.Unavailable ? StatusCodes.Status502BadGateway : ErrorKindMapping.ToHttpStatus(error.Kind);
        audit.Emit(_audit, _clusterName, status, error.Message, _time);
        await WriteErrorAsync(context, error);
    }

    /// <summary>Service and region from the signature, so a refusal's event names what was asked for.</summary>
    private static AppRequestAudit Describe(AppRequestAudit audit, HttpRequest request)
    {
        if (RequestSignatures.Parse(request.HttpContext, out _) is { } authorization)
        {
            audit.Set("aws_service", authorization.Service).Set("aws_region", authorization.Region);
            if (DynamoDbRequestInfo.IsDynamoDbService(authorization.Service))
            {
                audit.Type = EventTypes.AppSessionDynamoDbRequest;
                audit.Set("target", request.Headers["X-Amz-Target"].ToString() is { Length: > 0 } target ? target : null);
            }
        }

        return audit;
    }

    /// <summary>Answers an AWS client whose certificate failed verification, in its protocol's error shape.</summary>
    public Task RejectAsync(HttpContext context, FerryException error) => WriteErrorAsync(context, error);

    /// <summary>"No agent" is a gateway problem (502), whatever the AWS protocol's own mapping of Unavailable.</summary>
    private static Task WriteErrorAsync(HttpContext context, FerryException error) =>
        ProxiedResponses.WriteAwsErrorAsync(context, error, error.Kind == ErrorKind.Unavailable ? StatusCodes.Status502BadGateway : null);

    private static HttpRequestMessage BuildMessage(HttpContext context, ReadOnlyMemory<byte> certificate)
    {
        var request = context.Request;
        var rawTarget = RequestTarget.Full(context);
        var message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri("http://agent" + rawTarget, RawUri));
        var hasBody = RequestBodies.IsPresent(request);
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

        message.Headers.TryAddWithoutValidation(ApiHeaders.ForwardedCertificate, Convert.ToBase64String(certificate.Span));
        return message;
    }

    [LoggerMessage(EventId = 8000, Level = LogLevel.Warning, Message = "No app service reachable for {App}: {Reason}")]
    private static partial void LogNoAgent(ILogger logger, string app, string reason);
}
