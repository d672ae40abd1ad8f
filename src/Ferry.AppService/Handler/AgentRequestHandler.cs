using Ferry.AppService.Aws;
using Ferry.Aws.DynamoDb;
using Ferry.Aws.SigV4;
using Ferry.Cluster.Access;
using Ferry.Cluster.Audit;
using Ferry.Cluster.Locks;
using Ferry.Core.Apps;
using Ferry.Core.Errors;
using Ferry.Core.Audit;
using Ferry.Core.Resources;
using Ferry.Hosting;
using Ferry.Hosting.Callers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.AppService.Handler;

/// <summary>
/// Every request the proxy sends over the tunnel:
/// <code>
///   who is asking: the caller's certificate, forwarded by the proxy and verified here (CallerAuthenticator), never a bare header
///   → not locked, not revoked, and this agent's view of roles and locks is fresh (ClusterGate)
///   → for which app, and allowed (labels and the certificate's one IAM role, deny wins)
///   → SigV4-signed requests (Authorization header or presigned query) go to AWS; anything else to an AWS app is the
///     browser console flow
///   → exactly one audit event, whatever the outcome
/// </code>
/// </summary>
internal sealed partial class AgentRequestHandler
{
    private readonly CallerAuthenticator _callers;
    private readonly ClusterGate _gate;
    private readonly IReadOnlyDictionary<string, App> _apps;
    private readonly AccessChecker _access;
    private readonly AwsForwarder _aws;
    private readonly ConsoleSignIn _console;
    private readonly AuditBatcher _audit;
    private readonly string _clusterName;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AgentRequestHandler(
        CallerAuthenticator callers, ClusterGate gate, IReadOnlyDictionary<string, App> apps, AccessChecker access, AwsForwarder aws, ConsoleSignIn console,
        AuditBatcher audit, string clusterName, TimeProvider time, ILogger logger)
    {
        _callers = callers;
        _gate = gate;
        _apps = apps;
        _access = access;
        _aws = aws;
        _console = console;
        _audit = audit;
        _clusterName = clusterName;
        _time = time;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var check = _callers.Check(context);
        if (check.Caller is not { Identity: { IsHost: false, RouteToApp: not null } identity })
        {
            // Nobody to hold to account: nothing of the request is used.
            LogUnauthenticated(_logger, check.Refusal?.Message ?? "no app certificate");
            await ProxiedResponses.WriteAwsErrorAsync(context, check.Refusal ?? FerryException.AccessDenied("an app certificate is required; run tsh apps login"));
            return;
        }

        var (path, query) = RequestTarget.Raw(context);
        var audit = new AppRequestAudit("agent", identity, context.Request.Method, path, query);
        var signature = RequestSignatures.Parse(context, out var unsigned);
        if (signature is not null)
        {
            audit.Set("aws_service", signature.Service).Set("aws_region", signature.Region);
            if (DynamoDbRequestInfo.IsDynamoDbService(signature.Service))
            {
                audit.Type = EventTypes.AppSessionDynamoDbRequest;
            }
        }

        try
        {
            if (check.Refusal is not null)
            {
                throw check.Refusal;
            }

            using var live = _gate.Track(identity, context);
            var route = identity.RouteToApp;
            if (!_apps.TryGetValue(route.AppName, out var app))
            {
                throw FerryException.NotFound($"app \"{route.AppName}\" is not served by this agent");
            }

            audit.ForApp(app);
            var decision = _access.Check(identity, app);
            if (!decision.Allowed)
            {
                LogDenied(_logger, identity.Username, app.Name, decision.Reason);
                throw FerryException.AccessDenied($"access to app \"{app.Name}\" with this role is denied; run tsh apps login again to see the roles you may use");
            }

            if (!AwsConsole.IsAwsApp(app))
            {
                throw FerryException.NotImplemented($"app \"{app.Name}\" is not an AWS app; Ferry serves AWS console and API apps");
            }

            if (signature is null)
            {
                if (unsigned!.Status != SigV4VerificationStatus.MissingAuthorization)
                {
                    // It claims a signature (header or presigned query) that does not parse: an API call, never the console.
                    throw FerryException.BadParameter($"the request's SigV4 signature is malformed: {unsigned.Reason}");
                }

                // Not an API call: a browser opening the app. Sign it in to the AWS console as the session's role.
                await _console.RedirectAsync(context, identity, app, audit);
            }
            else
            {
                await _aws.ForwardAsync(context, identity, app, signature, audit);
            }

            audit.Emit(_audit, _clusterName, context.Response.StatusCode, null, _time);
        }
        catch (FerryException e)
        {
            audit.Emit(_audit, _clusterName, ProxiedResponses.StatusOf(context, e), e.Message, _time);
            await ProxiedResponses.WriteAwsErrorAsync(context, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away, or a lock or revocation cut the request (the gate says which).
            audit.Emit(_audit, _clusterName, 499, _gate.Refusal(identity)?.Message ?? "the client closed the request", _time);
        }
        catch (Exception e) when (!audit.Emitted)
        {
            audit.Emit(_audit, _clusterName, StatusCodes.Status500InternalServerError, "internal error", _time);
            LogFailed(_logger, identity.Username, e);
            await ProxiedResponses.WriteAwsErrorAsync(context, new FerryException(ErrorKind.Internal, "the app service failed to handle the request; see its log"));
        }
    }

    [LoggerMessage(EventId = 7030, Level = LogLevel.Information, Message = "Denied {User} access to app {App}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string user, string app, string reason);

    [LoggerMessage(EventId = 7031, Level = LogLevel.Warning, Message = "Refused a request without a valid app identity: {Reason}")]
    private static partial void LogUnauthenticated(ILogger logger, string reason);

    [LoggerMessage(EventId = 7032, Level = LogLevel.Error, Message = "A request of {User} failed unexpectedly")]
    private static partial void LogFailed(ILogger logger, string user, Exception exception);
}
