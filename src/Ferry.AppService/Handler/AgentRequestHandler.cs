using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.AppService.Aws;
using Ferry.Client.Access;
using Ferry.Aws.SigV4;
using Ferry.Core.Api;
using Ferry.Core.Apps;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.AppService.Handler;

/// <summary>
/// Every request the proxy sends over the tunnel: who is asking (the caller's certificate, forwarded by the
/// proxy and verified here against the user CA — never a bare header), for which app, and are they allowed
/// (labels and the certificate's one IAM role, deny wins). Then SigV4-signed requests (Authorization header or
/// presigned query) go to AWS; anything else to an AWS app is the browser console flow.
/// </summary>
internal sealed partial class AgentRequestHandler
{
    private readonly IdentityVerifier _verifier;
    private readonly IReadOnlyDictionary<string, App> _apps;
    private readonly AccessChecker _access;
    private readonly AwsForwarder _aws;
    private readonly ConsoleSignIn _console;
    private readonly ILogger _logger;

    public AgentRequestHandler(IdentityVerifier verifier, IReadOnlyDictionary<string, App> apps, AccessChecker access, AwsForwarder aws, ConsoleSignIn console, ILogger logger)
    {
        _console = console;
        _verifier = verifier;
        _apps = apps;
        _access = access;
        _aws = aws;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        SigV4RequestSignature.TryParse(AwsForwarder.SignatureOf(context), out var signature, out var unsigned);
        try
        {
            var identity = Authenticate(context);
            var route = identity.RouteToApp!;
            if (!_apps.TryGetValue(route.AppName, out var app))
            {
                throw FerryException.NotFound($"app \"{route.AppName}\" is not served by this agent");
            }

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
                await _console.RedirectAsync(context, identity, app);
                return;
            }

            await _aws.ForwardAsync(context, identity, app, signature);
        }
        catch (FerryException e)
        {
            await ProxiedResponses.WriteAwsErrorAsync(context, e);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
    }

    private FerryIdentity Authenticate(HttpContext context)
    {
        var forwarded = context.Request.Headers[ApiHeaders.ForwardedCertificate].ToString();
        if (string.IsNullOrEmpty(forwarded))
        {
            throw FerryException.AccessDenied("the request carries no caller identity");
        }

        FerryIdentity identity;
        try
        {
            identity = _verifier.Verify(Convert.FromBase64String(forwarded));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw FerryException.AccessDenied("the caller's certificate is malformed");
        }

        if (identity.IsHost || identity.RouteToApp is null)
        {
            throw FerryException.AccessDenied("an app certificate is required; run tsh apps login");
        }

        return identity;
    }

    [LoggerMessage(EventId = 7030, Level = LogLevel.Information, Message = "Denied {User} access to app {App}: {Reason}")]
    private static partial void LogDenied(ILogger logger, string user, string app, string reason);
}
