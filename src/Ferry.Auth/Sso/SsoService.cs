using System.Collections.Frozen;
using System.Text.Json;
using Ferry.Auth.Audit;
using Ferry.Auth.Connectors;
using Ferry.Auth.Roles;
using Ferry.Auth.Users;
using Ferry.Auth.Web;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Core.Sso;

namespace Ferry.Auth.Sso;

/// <summary>
/// Single sign-on (docs/sso.md): starts a browser login at a connector's identity provider and finishes it when the
/// provider sends the browser back through a proxy. The protocol checks live in one flow per kind
/// (<see cref="IIdentityProviderFlow"/>); what they share is here, once:
/// <code>
///  begin    connector → request {state, key, tsh's listener + seal key | browser binding} stored 10 min → IdP URL
///  callback take the request once (replayed state finds nothing) → flow checks the answer → roles from mappings
///           (none → refused, naming what was seen) → user upserted with traits, expiring with the session
///           → certificate (lock checked) → tsh: its listener URL with the sealed result | browser: a web session
/// </code>
/// Every outcome leaves one user.login event with the method, connector, the provider's subject and the roles.
/// </summary>
public sealed class SsoService
{
    private readonly ConnectorService _connectors;
    private readonly SsoRequestStore _requests;
    private readonly FrozenDictionary<string, IIdentityProviderFlow> _flows;
    private readonly RoleService _roles;
    private readonly UserService _users;
    private readonly LoginService _login;
    private readonly WebSessionService _webSessions;
    private readonly AuditLog _audit;
    private readonly AuthServerOptions _options;
    private readonly TimeProvider _time;
    private readonly LoginThrottle _startThrottle;

    internal SsoService(
        ConnectorService connectors, SsoRequestStore requests, IEnumerable<IIdentityProviderFlow> flows, RoleService roles, UserService users,
        LoginService login, WebSessionService webSessions, AuditLog audit, AuthServerOptions options, TimeProvider time)
    {
        _connectors = connectors;
        _requests = requests;
        _flows = flows.ToFrozenDictionary(f => f.Kind, StringComparer.Ordinal);
        _roles = roles;
        _users = users;
        _login = login;
        _webSessions = webSessions;
        _audit = audit;
        _options = options;
        _time = time;
        _startThrottle = new LoginThrottle(options.SsoStartThrottleMaxStarts, options.LoginThrottleWindow, options.LoginThrottleMaxAddresses);
    }

    /// <summary>Every connector users may sign in through, for the sign-in page's buttons and tsh.</summary>
    public async ValueTask<SsoConnectorsResponse> ListAsync(CancellationToken cancellationToken)
    {
        var list = new List<SsoConnectorInfo>();
        foreach (var kind in ResourceKinds.Connectors)
        {
            foreach (var connector in await _connectors.ListAsync(kind, cancellationToken))
            {
                list.Add(new SsoConnectorInfo { Kind = kind, Name = connector.Metadata.Name, Display = connector.Display ?? connector.Metadata.Name });
            }
        }

        return new SsoConnectorsResponse { Connectors = list, DefaultType = _options.AuthenticationType, DefaultConnector = _options.DefaultConnector };
    }

    /// <summary>tsh login --auth=NAME: the result will go, sealed, to tsh's loopback listener.</summary>
    public async ValueTask<SsoLoginStartResponse> BeginConsoleAsync(SsoConsoleLoginRequest request, string? remoteAddr, CancellationToken cancellationToken)
    {
        SsoClientRedirect.Parse(request.ClientRedirectUrl);
        SsoSeal.ParseKey(request.SealKey);
        return await BeginAsync(request.Connector, SsoRequest.ConsoleFlow, request.PublicKey, request.ProxyAddr, remoteAddr,
            r => r with { Ttl = request.Ttl, ClientRedirectUrl = request.ClientRedirectUrl, SealKey = request.SealKey }, cancellationToken);
    }

    /// <summary>The sign-in page's button: the browser that started must be the one that comes back.</summary>
    public async ValueTask<SsoLoginStartResponse> BeginWebAsync(SsoWebLoginRequest request, string? remoteAddr, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.BrowserBindingHash))
        {
            throw FerryException.BadParameter("browser_binding_hash is required");
        }

        return await BeginAsync(request.Kind + "/" + request.Connector, SsoRequest.WebFlow, request.PublicKey, request.ProxyAddr, remoteAddr,
            r => r with { BrowserBindingHash = request.BrowserBindingHash, ReturnTo = request.ReturnTo }, cancellationToken);
    }

    /// <summary>
    /// What both starts share: the key checked, the start counted against the client's address (each start is a stored
    /// request, so an unthrottled caller could fill the backend), the connector found, the request made and stored.
    /// </summary>
    private async ValueTask<SsoLoginStartResponse> BeginAsync(string connectorReference, string flow, string publicKey, string? proxyAddr, string? remoteAddr,
        Func<SsoRequest, SsoRequest> complete, CancellationToken cancellationToken)
    {
        Authorities.CertIssuer.ParsePublicKey(publicKey);
        var now = _time.GetUtcNow();
        if (!_startThrottle.TryReserve(remoteAddr, now, out _, out var retryAt))
        {
            throw FerryException.LimitExceeded(
                $"too many sign-ins started from your address; wait {Math.Max(1, (int)Math.Ceiling((retryAt - now).TotalSeconds))} s and try again");
        }

        var connector = await FindAsync(connectorReference, cancellationToken);
        var request = complete(new SsoRequest
        {
            Id = SsoRequestStore.NewId(),
            Kind = connector.ResourceKind,
            Connector = connector.Metadata.Name,
            Flow = flow,
            PublicKey = publicKey,
            CallbackUrl = CallbackUrl(connector, proxyAddr),
            Expires = now + SsoRequestStore.Lifetime,
        });
        var (redirect, prepared) = await Flow(connector.ResourceKind).BeginAsync(connector, request, cancellationToken);
        await _requests.CreateAsync(prepared, cancellationToken);
        return new SsoLoginStartResponse { RedirectUrl = redirect.AbsoluteUri };
    }

    /// <summary>The identity provider's answer, passed on by a proxy.</summary>
    public async ValueTask<SsoCallbackResponse> CompleteAsync(SsoCallbackRequest callback, CancellationToken cancellationToken)
    {
        var flow = Flow(callback.Kind);
        var requestId = callback.Parameters.GetValueOrDefault(callback.Kind == ResourceKinds.Saml ? "RelayState" : "state");
        var request = await _requests.TakeAsync(requestId, cancellationToken);
        IAuthConnector connector;
        if (request is null)
        {
            // Only SAML may answer without a request of ours (IdP-initiated), and only when its connector allows it.
            if (callback.Kind != ResourceKinds.Saml || callback.Connector is null
                || await FindOrNullAsync(ResourceKinds.Saml, callback.Connector, cancellationToken) is not SamlConnector { Spec.AllowIdpInitiated: true } saml)
            {
                var used = await _requests.FindUsedAsync(requestId, cancellationToken);
                await EmitFailureAsync(callback.Kind, used?.Connector ?? callback.Connector, null, null,
                    used is null ? "unknown or expired login request" : "login answer used a second time (a replay)", callback.RemoteAddr, cancellationToken);
                throw FerryException.AccessDenied(
                    "this sign-in answer matches no login in progress: it was already used, or more than 10 minutes passed; start the login again");
            }

            connector = saml;
        }
        else
        {
            if (request.Kind != callback.Kind || (callback.Connector is not null && callback.Connector != request.Connector) || request.Expires <= _time.GetUtcNow())
            {
                await EmitFailureAsync(callback.Kind, request.Connector, null, null, "answer does not fit the login request", callback.RemoteAddr, cancellationToken);
                throw FerryException.AccessDenied("this sign-in answer does not belong to the login it names; start the login again");
            }

            if (request.Flow == SsoRequest.WebFlow && !Core.Security.Secrets.Matches(callback.BrowserBinding, request.BrowserBindingHash))
            {
                // Login CSRF: someone else's identity-provider answer pushed into this browser would sign it in as them.
                await EmitFailureAsync(callback.Kind, request.Connector, null, null, "browser binding cookie missing or wrong", callback.RemoteAddr, cancellationToken);
                throw FerryException.AccessDenied("this sign-in was started in another browser (or its cookie was lost); start the login again from the sign-in page");
            }

            connector = await FindOrNullAsync(request.Kind, request.Connector, cancellationToken)
                ?? throw FerryException.AccessDenied($"{request.Kind} connector \"{request.Connector}\" was removed during the login");
        }

        try
        {
            var identity = await flow.CompleteAsync(connector, request, callback.Parameters, cancellationToken);
            return await FinishAsync(connector, request, identity, callback.RemoteAddr, cancellationToken);
        }
        catch (FerryException e) when (e.Kind is ErrorKind.AccessDenied or ErrorKind.BadParameter or ErrorKind.Unavailable or ErrorKind.NotFound)
        {
            if (e.Data[AuditLog.AuditedKey] is null)
            {
                await EmitFailureAsync(connector.ResourceKind, connector.Metadata.Name, null, null, e.Message, callback.RemoteAddr, cancellationToken);
            }

            if (request is { Flow: SsoRequest.ConsoleFlow })
            {
                // tsh waits at its listener: the reason goes there (sealed), and the browser shows it too.
                return new SsoCallbackResponse { ClientRedirectUrl = ConsoleRedirect(request, new SsoConsoleResult { Error = e.Message }) };
            }

            throw;
        }
    }

    private async ValueTask<SsoCallbackResponse> FinishAsync(IAuthConnector connector, SsoRequest? request, ExternalIdentity identity, string? remoteAddr, CancellationToken cancellationToken)
    {
        var kind = connector.ResourceKind;
        var name = connector.Metadata.Name;
        if (ResourceNames.ValidateUserName(identity.Username) is { } nameError)
        {
            throw await AuditedAsync(kind, name, identity, null,
                $"the identity provider's user name \"{Shorten(identity.Username)}\" cannot be a Ferry user name: {nameError}", remoteAddr, cancellationToken);
        }

        var roles = SsoRoles.Map(connector, identity);
        if (roles.Count == 0)
        {
            throw await AuditedAsync(kind, name, identity, null,
                $"no mapping of {kind} connector \"{name}\" matched, so the login grants no role; seen: {SsoRoles.DescribeSeen(connector, identity)}. " +
                "Ask an administrator to map one of these values to a role (tctl get " + kind + "/" + name + ")", remoteAddr, cancellationToken);
        }

        var publicKey = request?.PublicKey;
        if (publicKey is null)
        {
            // IdP-initiated SAML: only a browser session can come of it, with a key made here and thrown away after.
            using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
            publicKey = key.ExportSubjectPublicKeyInfoPem();
        }

        try
        {
            // The user lives as long as the session it starts (Teleport's SSO users do the same).
            var roleSet = await _roles.RoleSetAsync(roles, identity.Traits, cancellationToken);
            var requested = request?.Ttl is { } ttl && ttl > TimeSpan.Zero ? ttl : _options.DefaultUserCertTtl;
            var expires = _time.GetUtcNow() + (requested < roleSet.MaxSessionTtl ? requested : roleSet.MaxSessionTtl);
            if (identity.SessionEnds is { } ends && ends < expires)
            {
                expires = ends;
            }

            var user = await _users.UpsertSsoAsync(identity.Username, new UserConnectorRef { Type = kind, Id = name, Identity = identity.Subject }, roles, identity.Traits, expires, cancellationToken);
            var login = await _login.IssueForSsoAsync(user, publicKey, request?.Ttl, expires, remoteAddr, e => Describe(e, kind, name, identity.Subject, roles), cancellationToken);
            if (request is { Flow: SsoRequest.ConsoleFlow })
            {
                return new SsoCallbackResponse { ClientRedirectUrl = ConsoleRedirect(request, new SsoConsoleResult { Login = login }) };
            }

            var session = await _webSessions.CreateFromLoginAsync(login, cancellationToken);
            return new SsoCallbackResponse { WebSession = session, ReturnTo = request?.ReturnTo };
        }
        catch (FerryException e) when (e.Kind is ErrorKind.AccessDenied or ErrorKind.BadParameter or ErrorKind.NotFound && e.Data[AuditLog.AuditedKey] is null)
        {
            // A lock is audited by the certificate issuer itself (it marks the error); everything else (a local user of
            // this name, a mapped role that does not exist) is audited here.
            await EmitFailureAsync(kind, name, identity.Subject, roles, e.Message, remoteAddr, cancellationToken);
            e.Data[AuditLog.AuditedKey] = true;
            throw;
        }
    }

    private static string ConsoleRedirect(SsoRequest request, SsoConsoleResult result)
    {
        var sealedResult = SsoSeal.Seal(request.SealKey!, JsonSerializer.Serialize(result, ApiJson.Options));
        return request.ClientRedirectUrl + "?response=" + sealedResult;
    }

    private async ValueTask<FerryException> AuditedAsync(
        string kind, string connector, ExternalIdentity identity, IReadOnlyList<string>? roles, string reason, string? remoteAddr, CancellationToken cancellationToken)
    {
        await EmitFailureAsync(kind, connector, identity.Subject, roles, reason, remoteAddr, cancellationToken, identity.Username);
        var error = FerryException.AccessDenied(reason);
        error.Data[AuditLog.AuditedKey] = true;
        return error;
    }

    private ValueTask EmitFailureAsync(
        string kind, string? connector, string? subject, IReadOnlyList<string>? roles, string reason, string? remoteAddr, CancellationToken cancellationToken, string? user = null)
    {
        var e = _audit.NewEvent(EventTypes.UserLogin, user ?? subject ?? "", success: false, error: reason).Set("addr.remote", remoteAddr);
        return _audit.EmitAsync(Describe(e, kind, connector, subject, roles), cancellationToken);
    }

    private static AuditEvent Describe(AuditEvent e, string kind, string? connector, string? subject, IReadOnlyList<string>? roles) =>
        e.Set("method", kind).Set("connector", connector).Set("idp_subject", subject).Set("roles", roles);

    /// <summary>"NAME" (unique across kinds) or "KIND/NAME".</summary>
    private async ValueTask<IAuthConnector> FindAsync(string reference, CancellationToken cancellationToken)
    {
        var slash = reference.IndexOf('/', StringComparison.Ordinal);
        if (slash > 0)
        {
            var kind = reference[..slash];
            if (!ResourceKinds.Connectors.Contains(kind))
            {
                throw FerryException.BadParameter($"unknown connector kind \"{kind}\" in \"{reference}\"; use github/NAME, oidc/NAME or saml/NAME");
            }

            return await FindOrNullAsync(kind, reference[(slash + 1)..], cancellationToken)
                ?? throw FerryException.NotFound($"{kind} connector \"{reference[(slash + 1)..]}\" does not exist; list them with tctl get {kind}");
        }

        var found = new List<IAuthConnector>();
        foreach (var kind in ResourceKinds.Connectors)
        {
            if (await FindOrNullAsync(kind, reference, cancellationToken) is { } connector)
            {
                found.Add(connector);
            }
        }

        return found.Count switch
        {
            1 => found[0],
            0 => throw FerryException.NotFound($"no connector named \"{reference}\"; ask an administrator which one to use (--auth=NAME), or use --auth=local for a password"),
            _ => throw FerryException.BadParameter($"\"{reference}\" names connectors of several kinds; say which: " +
                string.Join(", ", found.Select(c => $"--auth={c.ResourceKind}/{reference}"))),
        };
    }

    private async ValueTask<IAuthConnector?> FindOrNullAsync(string kind, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await _connectors.GetAsync(kind, name, cancellationToken);
        }
        catch (FerryException e) when (e.Kind is ErrorKind.NotFound or ErrorKind.BadParameter)
        {
            return null;
        }
    }

    private IIdentityProviderFlow Flow(string kind) =>
        _flows.TryGetValue(kind, out var flow) ? flow : throw FerryException.BadParameter($"unknown connector kind \"{kind}\"; use github, oidc or saml");

    /// <summary>
    /// The proxy URL the identity provider sends the browser back to: of the connector's redirect URLs, the one on the
    /// proxy address the user came through, else the first.
    /// </summary>
    private static string CallbackUrl(IAuthConnector connector, string? proxyAddr)
    {
        IReadOnlyList<string> urls = connector switch
        {
            GithubConnector github => [github.Spec.RedirectUrl],
            OidcConnector oidc => oidc.Spec.RedirectUrls,
            SamlConnector saml => [saml.Spec.Acs],
            _ => [],
        };
        if (urls.Count == 0)
        {
            throw FerryException.BadParameter($"{connector.ResourceKind} connector \"{connector.Metadata.Name}\" has no redirect URL");
        }

        return urls.FirstOrDefault(u => proxyAddr is not null && Uri.TryCreate(u, UriKind.Absolute, out var uri)
            && string.Equals(uri.Authority, proxyAddr, StringComparison.OrdinalIgnoreCase)) ?? urls[0];
    }

    private static string Shorten(string value) => value.Length <= 80 ? value : value[..80] + "…";
}
