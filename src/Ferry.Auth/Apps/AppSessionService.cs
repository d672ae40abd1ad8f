using Ferry.Auth.Audit;
using Ferry.Auth.Authorities;
using Ferry.Auth.Roles;
using Ferry.Auth.Storage;
using Ferry.Core.Api;
using Ferry.Core.Apps;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Security;
using Ferry.Storage;

namespace Ferry.Auth.Apps;

/// <summary>
/// App sessions: `tsh apps login` and the web UI's Launch. A session binds one user to one app and, for AWS
/// apps, one IAM role; its certificate carries that route, and lives no longer than the user's own login.
/// </summary>
public sealed class AppSessionService
{
    private const string Prefix = "/app_sessions/";

    /// <summary>A launch token lives only for the redirect from the proxy's page to the app's host.</summary>
    private static readonly TimeSpan ExchangeTtl = TimeSpan.FromMinutes(1);

    private readonly AppServerService _apps;
    private readonly RoleService _roles;
    private readonly CertIssuer _issuer;
    private readonly AuditLog _audit;
    private readonly IBackend _backend;
    private readonly TimeProvider _time;

    public AppSessionService(AppServerService apps, RoleService roles, CertIssuer issuer, AuditLog audit, IBackend backend, TimeProvider time)
    {
        _apps = apps;
        _roles = roles;
        _issuer = issuer;
        _audit = audit;
        _backend = backend;
        _time = time;
    }

    public static string KeyOf(string sessionId) => Prefix + sessionId;

    public static string KeyPrefix => Prefix;

    public async ValueTask<CreateAppSessionResponse> CreateAsync(FerryIdentity user, CreateAppSessionRequest request, CancellationToken cancellationToken)
    {
        var found = await _apps.FindAppAsync(request.AppName, cancellationToken);
        var roleSet = await _roles.RoleSetAsync(user.Roles, user.Traits, cancellationToken);
        if (found is not { } entry || !roleSet.CanSeeApp(entry.App))
        {
            throw FerryException.NotFound($"app \"{request.AppName}\" not found; tsh apps ls lists the apps you can reach");
        }

        var app = entry.App;
        string? arn = null;
        if (AwsConsole.IsAwsApp(app))
        {
            arn = request.AwsRoleArn ?? throw FerryException.BadParameter($"app \"{app.Name}\" is an AWS app: choose an IAM role (--aws-role)");
            var decision = roleSet.CheckAppAccess(app, arn);
            if (!decision.Allowed)
            {
                await _audit.EmitAsync(
                    _audit.NewEvent(EventTypes.AppSessionStart, user.Username, success: false, error: "access denied").Set("app_name", app.Name).Set("aws_role_arn", arn),
                    cancellationToken);
                throw FerryException.AccessDenied($"you are not allowed to use IAM role {arn} with app \"{app.Name}\"; tsh apps login {app.Name} lists the roles you may use");
            }
        }

        var now = _time.GetUtcNow();
        if (user.Expires <= now)
        {
            throw FerryException.AccessDenied("your login has expired; run tsh login again");
        }

        WebSessionRecord? webSession = null;
        if (request.WebSessionId is { } webSessionId)
        {
            var webItem = await _backend.GetAsync("/web_sessions/" + webSessionId, cancellationToken);
            webSession = webItem is null ? null : StoredJson.Deserialize<WebSessionRecord>(webItem.Value);
            if (webSession is null || webSession.User != user.Username)
            {
                throw FerryException.AccessDenied("your web session has ended; sign in again");
            }
        }

        var sessionId = Guid.NewGuid().ToString();
        var identity = user with
        {
            Kind = IdentityKind.User,
            RouteToApp = new RouteToApp { SessionId = sessionId, AppName = app.Name, PublicAddr = app.Spec.PublicAddr, ClusterName = _issuer.ClusterName, AwsRoleArn = arn },
        };
        using var certificate = _issuer.IssueUser(request.PublicKey, identity);
        var exchangeToken = webSession is null ? null : Secrets.New();
        var session = new AppSessionInfo
        {
            SessionId = sessionId,
            User = user.Username,
            AppName = app.Name,
            AwsRoleArn = arn,
            Expires = user.Expires,
            WebSessionId = webSession?.Id,
            CertPem = webSession is null ? null : certificate.ExportCertificatePem(),
            ExchangeHash = exchangeToken is null ? null : Secrets.Hash(exchangeToken),
            ExchangeExpires = exchangeToken is null ? null : now + ExchangeTtl,
        };
        await _backend.CreateAsync(Item.Create(KeyOf(sessionId), StoredJson.Serialize(session), session.Expires), cancellationToken);
        await _audit.EmitAsync(
            _audit.NewEvent(EventTypes.AppSessionStart, user.Username)
                .Set("sid", sessionId).Set("app_name", app.Name).Set("app_uri", app.Spec.Uri).Set("app_public_addr", app.Spec.PublicAddr)
                .Set("aws_role_arn", arn).Set("expires", session.Expires),
            cancellationToken);
        return new CreateAppSessionResponse
        {
            SessionId = sessionId,
            CertPem = certificate.ExportCertificatePem(),
            AppName = app.Name,
            PublicAddr = app.Spec.PublicAddr,
            AppUri = app.Spec.Uri,
            AwsRoleArn = arn,
            Expires = session.Expires,
            ExchangeToken = exchangeToken is null ? null : sessionId + "." + exchangeToken,
        };
    }

    /// <summary>
    /// Redeems a browser launch's one-time token for the app cookie's secret. Compare-and-swap makes the token
    /// single-use even when two requests race with it.
    /// </summary>
    public async ValueTask<ExchangeAppSessionResponse> ExchangeAsync(ExchangeAppSessionRequest request, CancellationToken cancellationToken)
    {
        var item = await _backend.GetAsync(KeyOf(request.SessionId), cancellationToken);
        var session = item is null ? null : StoredJson.Deserialize<AppSessionInfo>(item.Value);
        if (session is null || !Secrets.Matches(request.Token, session.ExchangeHash) || session.ExchangeExpires is not { } expires || expires <= _time.GetUtcNow())
        {
            throw FerryException.AccessDenied("this launch link is invalid, used or expired; launch the app again from the Applications page");
        }

        var secret = Secrets.New();
        var redeemed = session with { ExchangeHash = null, ExchangeExpires = null, CookieHash = Secrets.Hash(secret) };
        try
        {
            await _backend.CompareAndSwapAsync(item!, Item.Create(item!.Key, StoredJson.Serialize(redeemed), session.Expires), cancellationToken);
        }
        catch (FerryException e) when (e.Kind is ErrorKind.CompareFailed or ErrorKind.NotFound)
        {
            throw FerryException.AccessDenied("this launch link has already been used; launch the app again from the Applications page");
        }

        return new ExchangeAppSessionResponse { SessionId = session.SessionId, Secret = secret, AppName = session.AppName };
    }

    public async ValueTask<AppSessionInfo?> GetAsync(string sessionId, CancellationToken cancellationToken) =>
        await _backend.GetAsync(KeyOf(sessionId), cancellationToken) is { } item ? StoredJson.Deserialize<AppSessionInfo>(item.Value) : null;

    public async ValueTask<IReadOnlyList<AppSessionInfo>> ListAsync(CancellationToken cancellationToken)
    {
        var (start, end) = KeyRange.Prefix(Prefix);
        return (await _backend.GetRangeAsync(start, end, 0, cancellationToken)).Select(i => StoredJson.Deserialize<AppSessionInfo>(i.Value)).ToList();
    }

    /// <summary>Ends a session; only its owner (or an admin) may. Returns false when it did not exist.</summary>
    public async ValueTask<bool> DeleteAsync(string sessionId, string? owner, string actor, CancellationToken cancellationToken)
    {
        var item = await _backend.GetAsync(KeyOf(sessionId), cancellationToken);
        if (item is null)
        {
            return false;
        }

        var session = StoredJson.Deserialize<AppSessionInfo>(item.Value);
        if (owner is not null && !string.Equals(session.User, owner, StringComparison.Ordinal))
        {
            return false; // never reveal other users' sessions
        }

        await _backend.AtomicWriteAsync([], [new WriteAction.Delete(KeyOf(sessionId))], cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.AppSessionEnd, actor).Set("sid", sessionId).Set("app_name", session.AppName), cancellationToken);
        return true;
    }
}
