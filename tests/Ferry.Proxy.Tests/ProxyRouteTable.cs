using System.Net.Http.Headers;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Tunnel;

namespace Ferry.Proxy.Tests;

/// <summary>
/// One row: a caller, what the proxy answers it (and where it redirects), why that is the designed answer, and the
/// request it sends when it is not the route's default. <see cref="Changes"/> names what a designed answer records
/// (a refused join is audited); every other row leaves auth's storage and audit log as they were.
/// </summary>
internal sealed record ProxyCase(
    ProxyCaller Caller, int Status, string Why, string? RedirectsTo = null, Func<ProxyRouteFixture, HttpRequestMessage>? Request = null, string? Changes = null);

internal sealed record ProxyRoute(string Route, Func<ProxyRouteFixture, HttpRequestMessage> Request, IReadOnlyList<ProxyCase> Cases);

/// <summary>
/// Every route of the proxy's public listener (ProxyHost): who is refused, and for the routes public by design
/// (ping, CAs, login, join, signup, sign-in pages, assets) what an anonymous caller gets. Pages that need a browser
/// session send everyone without one to /web/login. Checked against the routes ProxyHost really maps.
/// </summary>
internal static class ProxyRouteTable
{
    private const string SignIn = "/web/login";

    private static readonly Role PlantedRole = new()
    {
        Metadata = new ResourceMetadata { Name = "planted-admin" },
        Spec = new RoleSpec { Allow = new RoleConditions { Rules = [new RoleRule { Resources = ["*"], Verbs = ["*"] }] } },
    };

    public static readonly IReadOnlyList<ProxyRoute> Routes =
    [
        // Before login: the web API, forwarded to auth as the proxy itself.
        new("GET /v1/webapi/ping", _ => Get("/v1/webapi/ping"), [new(ProxyCaller.Anonymous, 200, "public by design: what tsh asks first")]),
        new("GET /v1/webapi/cas", _ => Get("/v1/webapi/cas"), [new(ProxyCaller.Anonymous, 200, "public by design: the CAs a client pins")]),
        new("POST /v1/webapi/login", _ => Login("wrong-password-for-alice"),
            [
                new(ProxyCaller.Anonymous, 403, "public by design; wrong credentials are auth's access denied", Changes: "the failed login is counted and audited"),
                new(ProxyCaller.AnonymousForgingEditor, 403, "a forged forwarded certificate does not log anyone in", Changes: "the failed login is counted and audited"),
            ]),
        new("POST /v1/webapi/join", _ => Post("/v1/webapi/join", Json(new JoinRequest { Token = "not-a-join-token-0000", Role = SystemRoles.App, PublicKey = NewPublicKey() })),
            [new(ProxyCaller.Anonymous, 403, "public by design; an unknown token is refused", Changes: "the refused join is audited")]),
        new("GET /v1/webapi/signup/{token}", f => Get($"/v1/webapi/signup/{f.SignupToken}"),
            [
                new(ProxyCaller.Anonymous, 200, "public by design: the link's token is the secret"),
                new(ProxyCaller.Anonymous, 404, "a guessed token finds nothing", Request: _ => Get("/v1/webapi/signup/guessed-token")),
            ]),
        new("POST /v1/webapi/signup/{token}", _ => Post("/v1/webapi/signup/guessed-token", Json(new CompleteSignupRequest { Password = "another-correct-horse-battery" })),
            [new(ProxyCaller.Anonymous, 404, "public by design; a guessed token sets no password")]),

        // After login: the passthrough to auth, for a verified certificate only, forwarded as that caller.
        new("* /v1/auth/{**rest}", _ => Get("/v1/auth/users"),
            [
                new(ProxyCaller.Anonymous, 403, "no certificate: the passthrough needs one"),
                new(ProxyCaller.Anonymous, 403, "no certificate, even for a route auth keeps for proxies", Request: _ => Login("correct-horse-battery-staple", "/v1/auth/login")),
                new(ProxyCaller.AnonymousForgingEditor, 403, "a client's forwarded-certificate header is no identity"),
                new(ProxyCaller.NoRolesForgingEditor, 403, "only a proxy may forward another caller's certificate"),
                new(ProxyCaller.NoRoles, 403, "auth refuses the forwarded user: the proxy lends it nothing"),
                new(ProxyCaller.NoRoles, 403, "a proxy-only auth route, reached through the proxy", Request: _ => Get("/v1/auth/web_sessions")),
                new(ProxyCaller.Access, 403, "creating a role needs the rule", Request: _ => Post("/v1/auth/roles", Resource(PlantedRole))),
                new(ProxyCaller.AppHost, 403, "an agent acts by system role, never by rules"),
                new(ProxyCaller.Editor, 200, "authorised: the editor's call goes through"),
            ]),

        // The web UI: public pages, and pages that send everyone without a browser session to sign-in.
        new("GET /", _ => Get("/"), [new(ProxyCaller.Anonymous, 303, "no session: to sign-in", SignIn)]),
        new("GET /web/", _ => Get("/web"), [new(ProxyCaller.Anonymous, 303, "no session: to sign-in", SignIn)]),
        new("GET /web/login", _ => Get("/web/login"), [new(ProxyCaller.Anonymous, 200, "public by design: the sign-in page")]),
        new("POST /web/login", _ => Form("/web/login", ("user", "alice"), ("password", AuthFixture.Password)),
            [new(ProxyCaller.Anonymous, 403, "right password but no CSRF token: no session is made")]),
        new("POST /web/logout", _ => Form("/web/logout"),
            [
                new(ProxyCaller.Anonymous, 303, "no session: nothing to end, to sign-in", SignIn),
                new(ProxyCaller.SignedInAccess, 403, "no CSRF token: the session is not ended"),
            ]),
        new("GET /web/invite/{token}", f => Get($"/web/invite/{f.SignupToken}"),
            [
                new(ProxyCaller.Anonymous, 200, "public by design: the link's token is the secret"),
                new(ProxyCaller.Anonymous, 404, "a guessed token finds nothing", Request: _ => Get("/web/invite/guessed-token")),
            ]),
        new("POST /web/invite/{token}", f => Form($"/web/invite/{f.SignupToken}", ("password", "another-correct-horse-battery"), ("confirm", "another-correct-horse-battery")),
            [new(ProxyCaller.Anonymous, 403, "no CSRF token: no password is set")]),
        new("GET /web/reset/{token}", _ => Get("/web/reset/guessed-token"), [new(ProxyCaller.Anonymous, 404, "public by design; a guessed token finds nothing")]),
        new("POST /web/reset/{token}", _ => Form("/web/reset/guessed-token", ("password", "another-correct-horse-battery")),
            [new(ProxyCaller.Anonymous, 403, "no CSRF token: nothing is set")]),
        new("GET /web/apps", _ => Get("/web/apps"),
            [
                new(ProxyCaller.Anonymous, 303, "no session: to sign-in", SignIn),
                new(ProxyCaller.Access, 303, "a certificate is no browser session: to sign-in", SignIn),
            ]),
        new("GET /web/apps/{app}/launch", _ => Get("/web/apps/dynamo/launch"),
            [
                new(ProxyCaller.Anonymous, 303, "no session: to sign-in", SignIn),
                new(ProxyCaller.SignedInNoRoles, 404, "an app the user's roles do not match is not found"),
                new(ProxyCaller.SignedInAccess, 200, "authorised: alice picks her IAM role"),
            ]),
        new("POST /web/apps/{app}/launch", _ => Form("/web/apps/dynamo/launch", ("aws_role_arn", ProxyRouteFixture.Arn)),
            [
                new(ProxyCaller.Anonymous, 303, "no session: nothing launched, to sign-in", SignIn),
                new(ProxyCaller.SignedInAccess, 403, "no CSRF token: no app session is made"),
            ]),
        new("GET /web/audit", _ => Get("/web/audit"),
            [
                new(ProxyCaller.Anonymous, 303, "no session: to sign-in", SignIn),
                new(ProxyCaller.SignedInAccess, 403, "access reads no audit log"),
            ]),
        // Single sign-on (docs/sso.md): public by design; the one-time state and the browser binding are the protection.
        new("GET /v1/webapi/sso/connectors", _ => Get("/v1/webapi/sso/connectors"), [new(ProxyCaller.Anonymous, 200, "public by design: the sign-in buttons")]),
        new("POST /v1/webapi/sso/console", _ => Post("/v1/webapi/sso/console", Json(new SsoConsoleLoginRequest
            {
                Connector = "github", PublicKey = NewPublicKey(), ClientRedirectUrl = "https://evil.example/callback", SealKey = Ferry.Core.Sso.SsoSeal.NewKey(),
            })),
            [new(ProxyCaller.Anonymous, 400, "public by design; a client redirect off this machine's loopback is refused, nothing is stored")]),
        new("GET /v1/webapi/github/callback", _ => Get("/v1/webapi/github/callback?code=c&state=0123456789abcdef0123456789abcdef"),
            [new(ProxyCaller.Anonymous, 403, "an answer to no login in progress signs nobody in", Changes: "the refused login is audited")]),
        new("GET /v1/webapi/oidc/callback", _ => Get("/v1/webapi/oidc/callback?code=c&state=0123456789abcdef0123456789abcdef"),
            [new(ProxyCaller.Anonymous, 403, "an answer to no login in progress signs nobody in", Changes: "the refused login is audited")]),
        new("POST /v1/webapi/saml/acs/{name}", _ => Form("/v1/webapi/saml/acs/mysaml", ("SAMLResponse", "PHNhbWw+"), ("RelayState", "0123456789abcdef")),
            [new(ProxyCaller.Anonymous, 403, "an answer to no login in progress signs nobody in", Changes: "the refused login is audited")]),
        new("GET /web/sso/{kind}/{name}", _ => Get("/web/sso/oidc/no-such-connector"),
            [new(ProxyCaller.Anonymous, 404, "a connector that does not exist starts nothing")]),
        new("GET /web/assets/{name}", _ => Get("/web/assets/ferry.css"), [new(ProxyCaller.Anonymous, 200, "public by design: the UI's stylesheet")]),
        new("* /web/{**rest}", _ => Get("/web/nothing-here"), [new(ProxyCaller.Anonymous, 404, "anything else under /web is the not-found page")]),
    ];

    /// <summary>
    /// Routes the proxy serves in middleware before routing (AppTrafficMiddleware), so no endpoint names them: the
    /// agents' tunnel. They cannot be enumerated; <see cref="ProxyRouteTests"/> checks this list against the constant.
    /// </summary>
    public static readonly IReadOnlyList<ProxyRoute> MiddlewareRoutes =
    [
        new($"GET {TunnelDefaults.Path}", _ => Get(TunnelDefaults.Path),
            [
                new(ProxyCaller.Anonymous, 403, "no certificate: the tunnel is for app agents"),
                new(ProxyCaller.AnonymousForgingEditor, 403, "a forwarded-certificate header is no identity"),
                new(ProxyCaller.NoRoles, 403, "a user certificate opens no tunnel"),
                new(ProxyCaller.Editor, 403, "not even an editor's"),
                new(ProxyCaller.AppHost, 400, "the agent is let through; a plain GET is no WebSocket upgrade"),
            ]),
    ];

    public static ProxyRoute Find(string route) => Routes.Concat(MiddlewareRoutes).Single(r => r.Route == route);

    private static HttpRequestMessage Login(string password, string path = "/v1/webapi/login") =>
        Post(path, Json(new LoginRequest { User = "alice", Password = password, PublicKey = NewPublicKey() }));

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, path);

    private static HttpRequestMessage Post(string path, HttpContent content) => new(HttpMethod.Post, path) { Content = content };

    private static HttpRequestMessage Form(string path, params (string Name, string Value)[] fields) =>
        Post(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value))));

    private static System.Net.Http.Json.JsonContent Json<T>(T value) => System.Net.Http.Json.JsonContent.Create(value, options: ApiJson.Options);

    private static ByteArrayContent Resource(IResource resource)
    {
        var content = new ByteArrayContent(ResourceJson.SerializeToUtf8Bytes(resource));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static string NewPublicKey()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfoPem();
    }
}
