using Ferry.Cluster.Audit;
using Ferry.Aws.Federation;
using Ferry.Aws.Sts;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Microsoft.AspNetCore.Http;

namespace Ferry.AppService.Aws;

/// <summary>
/// The AWS Management Console flow (docs/aws-access.md §3.4): a browser request for an AWS app that is not
/// SigV4-signed becomes a federated console sign-in as the app session's one IAM role:
/// <code>
///   duration = remaining identity TTL, capped at 12 h (1 h when the agent's own credentials are temporary), at least 15 min
///   → AssumeRole (session name = user, external id, source identity when enabled)
///   → getSigninToken on the partition's sign-in endpoint (AWS_ENDPOINT_URL_SIGNIN overrides it)
///   → 302 to Action=login with Destination = the app URI and Issuer = the app's public address
/// </code>
/// The console then shows the federated user as ROLE/USER, and CloudTrail records the user as the session name.
/// </summary>
internal sealed class ConsoleSignIn
{
    private readonly StsCredentialCache _sts;
    private readonly AwsFederation _federation;
    private readonly TimeProvider _time;
    private readonly string _portSuffix;

    /// <param name="proxyPublicAddr">The proxy's public host:port: apps are served on its port, so the Issuer needs it unless it is 443.</param>
    public ConsoleSignIn(StsCredentialCache sts, AwsFederation federation, TimeProvider time, string? proxyPublicAddr)
    {
        var colon = proxyPublicAddr?.LastIndexOf(':') ?? -1;
        var port = colon > 0 ? proxyPublicAddr![(colon + 1)..] : "443";
        _portSuffix = port == "443" ? "" : ":" + port;
        _sts = sts;
        _federation = federation;
        _time = time;
    }

    public async Task RedirectAsync(HttpContext context, FerryIdentity identity, App app, AppRequestAudit audit)
    {
        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            throw FerryException.BadParameter("the AWS console sign-in is started by opening the app in a browser (GET)");
        }

        var ct = context.RequestAborted;
        var route = identity.RouteToApp!;
        var temporary = await _sts.IsBaseCredentialTemporaryAsync(ct);
        var duration = ConsoleSessionDuration.Compute(identity.Expires - _time.GetUtcNow(), temporary);
        var user = RoleSessionName.FromUser(identity.Username);
        var sourceIdentity = app.Spec.Aws?.SourceIdentity == true ? user : null;
        var credentials = await _sts.GetAsync(route.AwsRoleArn!, app.Spec.Aws?.ExternalId, user, sourceIdentity, duration.AssumeRoleDurationSeconds, ct);
        var host = string.IsNullOrEmpty(app.Spec.PublicAddr) ? route.PublicAddr : app.Spec.PublicAddr;
        var issuer = "https://" + host + (host.Contains(':', StringComparison.Ordinal) ? "" : _portSuffix);
        var login = await _federation.GetSigninUrlAsync(credentials, app.Spec.Uri, issuer, duration, ct);

        audit.Set("console_session_seconds", (int)duration.Duration.TotalSeconds);

        context.Response.StatusCode = StatusCodes.Status302Found;
        context.Response.Headers.Location = login.AbsoluteUri;
        context.Response.Headers.CacheControl = "no-store";
    }
}
