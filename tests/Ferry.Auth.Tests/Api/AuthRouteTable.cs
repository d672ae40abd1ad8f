using System.Net.Http.Headers;
using System.Text.Json;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Auth.Tests.Api;

/// <summary>One refusal: a caller without the right, the answer it gets, and (for a variant) the request it sends instead.</summary>
internal sealed record Refusal(ApiCaller Caller, int Status, string Case = "", Func<AuthRouteFixture, HttpRequestMessage>? Request = null);

/// <summary>A mapped auth route ("METHOD pattern"), a request that would succeed for <see cref="Allowed"/>, and who is refused.</summary>
internal sealed record AuthRoute(string Route, Func<AuthRouteFixture, HttpRequestMessage> Request, ApiCaller Allowed, int AllowedStatus, IReadOnlyList<Refusal> Refusals);

/// <summary>
/// Every route of the auth API with the callers that must be refused on it. Each request is one that would work for the
/// allowed caller (valid body, existing target), so a refusal that went missing would show as a change in storage.
/// <see cref="AuthRouteTests"/> checks the table against the routes AuthApi really maps: a new route needs a row here.
/// </summary>
internal static class AuthRouteTable
{
    /// <summary>Refused on every route: no certificate at all (but on <see cref="Anonymous"/>), a locked user, a forwarded identity from a non-proxy.</summary>
    public static readonly IReadOnlyList<Refusal> Everywhere =
    [
        new(ApiCaller.NoCertificate, 403),
        new(ApiCaller.LockedEditor, 403),
        new(ApiCaller.AppHostForwardingEditor, 403),
    ];

    /// <summary>What a host that has no certificate yet needs to join (a separate proxy joins auth directly).</summary>
    public static readonly IReadOnlySet<string> Anonymous = new HashSet<string>(StringComparer.Ordinal) { "GET /v1/cas", "POST /v1/join" };

    /// <summary>Public facts answered without looking at the caller at all (the CAs are what a ca_pin is checked against).</summary>
    public static readonly IReadOnlySet<string> Public = new HashSet<string>(StringComparer.Ordinal) { "GET /v1/cas" };

    /// <summary>Administration by rules: users without the rule, app certificates, and hosts (which act by system role only).</summary>
    private static readonly Refusal[] Administration =
    [
        new(ApiCaller.NoRoles, 403), new(ApiCaller.Access, 403), new(ApiCaller.AppCertificate, 403),
        new(ApiCaller.AppHost, 403), new(ApiCaller.ProxyHost, 403), new(ApiCaller.ProxyForwardingNoRoles, 403),
    ];

    /// <summary>Calls only a proxy makes as itself: every user (even an editor) and the agent are refused.</summary>
    private static readonly Refusal[] ProxyOnly =
    [
        new(ApiCaller.NoRoles, 403), new(ApiCaller.Access, 403), new(ApiCaller.AppCertificate, 403), new(ApiCaller.Editor, 403),
        new(ApiCaller.AppHost, 403), new(ApiCaller.ProxyForwardingNoRoles, 403),
    ];

    /// <summary>Reads that cluster components need for their caches; users need the rule.</summary>
    private static readonly Refusal[] ComponentReads =
    [
        new(ApiCaller.NoRoles, 403), new(ApiCaller.Access, 403), new(ApiCaller.AppCertificate, 403), new(ApiCaller.ProxyForwardingNoRoles, 403),
    ];

    /// <summary>Calls only an app agent makes.</summary>
    private static readonly Refusal[] AppHostOnly =
    [
        new(ApiCaller.NoRoles, 403), new(ApiCaller.Access, 403), new(ApiCaller.AppCertificate, 403), new(ApiCaller.Editor, 403),
        new(ApiCaller.ProxyHost, 403), new(ApiCaller.ProxyForwardingNoRoles, 403),
    ];

    private static readonly Role PlantedRole = new()
    {
        Metadata = new ResourceMetadata { Name = "planted-admin" },
        Spec = new RoleSpec { Allow = new RoleConditions { Rules = [new RoleRule { Resources = ["*"], Verbs = ["*"] }] } },
    };

    private static readonly ProvisionToken PlantedToken = new()
    {
        Metadata = new ResourceMetadata { Name = "planted-proxy-token-0001" },
        Spec = new ProvisionTokenSpec { Roles = [SystemRoles.Proxy] },
    };

    public static readonly IReadOnlyList<AuthRoute> Routes =
    [
        // Cluster facts: any cluster identity.
        new("GET /v1/status", _ => Get("v1/status"), ApiCaller.NoRoles, 200, []),
        new("GET /v1/cas", _ => Get("v1/cas"), ApiCaller.NoRoles, 200, []),

        // Logins, signups and joins arrive through the proxy, which calls as itself.
        new("POST /v1/login", _ => Send(HttpMethod.Post, "v1/login", AuthRouteFixture.Json(new LoginRequest { User = "alice", Password = AuthFixture.Password, PublicKey = AuthRouteFixture.NewPublicKey() })),
            ApiCaller.ProxyHost, 200, ProxyOnly),
        new("GET /v1/signup/{token}", f => Get($"v1/signup/{f.SignupToRead}"), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("POST /v1/signup/{token}", f => Send(HttpMethod.Post, $"v1/signup/{f.SignupToComplete}", AuthRouteFixture.Json(new CompleteSignupRequest { Password = "another-correct-horse-battery" })),
            ApiCaller.ProxyHost, 200, ProxyOnly),
        new("GET /v1/sso/connectors", _ => Get("v1/sso/connectors"), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("POST /v1/sso/console", _ => Send(HttpMethod.Post, "v1/sso/console", AuthRouteFixture.Json(AuthRouteFixture.ConsoleSsoRequest())), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("POST /v1/sso/web", _ => Send(HttpMethod.Post, "v1/sso/web", AuthRouteFixture.Json(new SsoWebLoginRequest
            {
                Kind = ResourceKinds.Github, Connector = AuthRouteFixture.ConnectorToRead(ResourceKinds.Github), PublicKey = AuthRouteFixture.NewPublicKey(),
                BrowserBindingHash = Ferry.Core.Security.Secrets.Hash("browser"),
            })), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("POST /v1/sso/callback", f => Send(HttpMethod.Post, "v1/sso/callback", AuthRouteFixture.Json(new SsoCallbackRequest
            {
                Kind = ResourceKinds.Github,
                Parameters = new Dictionary<string, string> { ["state"] = f.SsoStateToAnswer, ["error"] = "access_denied" },
            })), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("POST /v1/join", _ => Send(HttpMethod.Post, "v1/join", AuthRouteFixture.Json(new JoinRequest { Token = AuthRouteFixture.JoinTokenValue, Role = SystemRoles.App, PublicKey = AuthRouteFixture.NewPublicKey() })),
            ApiCaller.ProxyHost, 200, ProxyOnly),

        // Roles: components read them; users by rule.
        new("GET /v1/roles", _ => Get("v1/roles"), ApiCaller.Editor, 200, ComponentReads),
        new("GET /v1/roles/{name}", _ => Get("v1/roles/access"), ApiCaller.Editor, 200, ComponentReads),
        new("POST /v1/roles", _ => Send(HttpMethod.Post, "v1/roles", Resource(PlantedRole)), ApiCaller.Editor, 200, Administration),
        new("DELETE /v1/roles/{name}", _ => Send(HttpMethod.Delete, "v1/roles/target-role"), ApiCaller.Editor, 204, Administration),

        // Users.
        new("GET /v1/users", _ => Get("v1/users"), ApiCaller.Editor, 200, Administration),
        new("GET /v1/users/{name}", _ => Get("v1/users/victim"), ApiCaller.Editor, 200,
            [.. Administration, new(ApiCaller.AppCertificate, 403, "own user with an app certificate", _ => Get("v1/users/alice"))]),
        new("POST /v1/users", _ => Send(HttpMethod.Post, "v1/users", AuthRouteFixture.Json(new CreateUserRequest { User = ResourceElement(EditorUser("intruder")), Password = AuthFixture.Password })),
            ApiCaller.Editor, 200, Administration),
        new("PUT /v1/users/{name}", _ => PutUser("victim"), ApiCaller.Editor, 200,
            [.. Administration, new(ApiCaller.Access, 403, "self-escalation to editor", _ => PutUser("alice"))]),
        new("PATCH /v1/users/{name}", _ => PatchUser("victim"), ApiCaller.Editor, 200,
            [.. Administration, new(ApiCaller.Access, 403, "self-escalation to editor", _ => PatchUser("alice"))]),
        new("DELETE /v1/users/{name}", _ => Send(HttpMethod.Delete, "v1/users/victim-delete"), ApiCaller.Editor, 204, Administration),
        new("POST /v1/users/{name}/reset", _ => Send(HttpMethod.Post, "v1/users/victim-reset/reset"), ApiCaller.Editor, 200, Administration),

        // Join tokens.
        new("GET /v1/tokens", _ => Get("v1/tokens?with_secrets=true"), ApiCaller.Editor, 200, Administration),
        new("POST /v1/tokens", _ => Send(HttpMethod.Post, "v1/tokens", AuthRouteFixture.Json(new CreateTokenRequest { Roles = [SystemRoles.Proxy] })), ApiCaller.Editor, 200, Administration),
        new("PUT /v1/tokens", _ => Send(HttpMethod.Put, "v1/tokens", Resource(PlantedToken)), ApiCaller.Editor, 200, Administration),
        new("DELETE /v1/tokens/{name}", f => Send(HttpMethod.Delete, $"v1/tokens/{f.TokenToDelete}"), ApiCaller.Editor, 204, Administration),

        // Audit: reading by rule; reporting by components, each only its own event types.
        new("GET /v1/events", _ => Get("v1/events"), ApiCaller.Editor, 200,
            [
                .. Administration,
                new(ApiCaller.Access, 403, "filtered by service and operation", _ => Get("v1/events?service=s3&operation=PutObject")),
                new(ApiCaller.AppHost, 403, "filtered by service and operation", _ => Get("v1/events?service=s3&operation=PutObject")),
            ]),
        new("POST /v1/events", _ => Events(EventTypes.AppSessionRequest), ApiCaller.AppHost, 204,
            [
                new(ApiCaller.NoRoles, 403), new(ApiCaller.Access, 403), new(ApiCaller.AppCertificate, 403), new(ApiCaller.Editor, 403),
                new(ApiCaller.ProxyForwardingNoRoles, 403),
                new(ApiCaller.AppHost, 403, "a type its role may not report", _ => Events(EventTypes.UserLogin)),
            ]),

        // Apps: every identity may list; users see only what their roles match (AuthRouteTests.Apps_*).
        new("GET /v1/apps", _ => Get("v1/apps"), ApiCaller.NoRoles, 200, []),
        new("GET /v1/app_servers", _ => Get("v1/app_servers"), ApiCaller.Access, 200,
            [new(ApiCaller.NoRoles, 403), new(ApiCaller.AppCertificate, 403), new(ApiCaller.AppHost, 403), new(ApiCaller.ProxyForwardingNoRoles, 403)]),
        new("PUT /v1/app_servers", _ => Send(HttpMethod.Put, "v1/app_servers", Resource(AuthRouteFixture.Heartbeat("dynamo"))), ApiCaller.AppHost, 200, AppHostOnly),
        new("DELETE /v1/app_servers/{app}", _ => Send(HttpMethod.Delete, "v1/app_servers/spare"), ApiCaller.AppHost, 204, AppHostOnly),

        // App sessions: users open their own (404 for an app they cannot see, never saying it exists); proxies read them.
        new("POST /v1/app_sessions", _ => Send(HttpMethod.Post, "v1/app_sessions", AuthRouteFixture.Json(AuthRouteFixture.AppSessionRequest(AuthRouteFixture.NewPublicKey()))),
            ApiCaller.Access, 200,
            [
                new(ApiCaller.AppCertificate, 403), new(ApiCaller.AppHost, 403), new(ApiCaller.ProxyHost, 403),
                new(ApiCaller.NoRoles, 404), new(ApiCaller.ProxyForwardingNoRoles, 404),
                new(ApiCaller.Access, 403, "a browser session, not through the proxy", f => Send(HttpMethod.Post, "v1/app_sessions",
                    AuthRouteFixture.Json(AuthRouteFixture.AppSessionRequest(AuthRouteFixture.NewPublicKey()) with { WebSessionId = f.WebSessionToRead }))),
            ]),
        new("POST /v1/app_sessions/exchange", f => Send(HttpMethod.Post, "v1/app_sessions/exchange", AuthRouteFixture.Json(f.Exchange)), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("GET /v1/app_sessions", _ => Get("v1/app_sessions"), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("GET /v1/app_sessions/{id}", f => Get($"v1/app_sessions/{f.AppSessionToRead}"), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("DELETE /v1/app_sessions/{id}", f => Send(HttpMethod.Delete, $"v1/app_sessions/{f.AppSessionToEnd}"), ApiCaller.Access, 204,
            [
                new(ApiCaller.NoRoles, 404), new(ApiCaller.Editor, 404), new(ApiCaller.ProxyForwardingNoRoles, 404),
                new(ApiCaller.AppHost, 403), new(ApiCaller.ProxyHost, 403),
            ]),

        // The change feed: components only, and only the prefixes their caches need.
        new("GET /v1/watch", _ => Get("v1/watch?prefix=/roles/"), ApiCaller.ProxyHost, 200,
            [
                new(ApiCaller.NoRoles, 403), new(ApiCaller.Access, 403), new(ApiCaller.AppCertificate, 403), new(ApiCaller.Editor, 403),
                new(ApiCaller.ProxyForwardingNoRoles, 403),
                new(ApiCaller.AppHost, 403, "web sessions, a proxy's prefix", _ => Get("v1/watch?prefix=/web_sessions/")),
                new(ApiCaller.AppHost, 403, "everything", _ => Get("v1/watch?prefix=/")),
                new(ApiCaller.ProxyHost, 403, "credentials", _ => Get("v1/watch?prefix=/credentials/")),
                new(ApiCaller.ProxyHost, 403, "no prefix (all keys)", _ => Get("v1/watch")),
            ]),

        // Browser sessions: the proxy's web UI only.
        new("POST /v1/web_sessions", _ => Send(HttpMethod.Post, "v1/web_sessions", AuthRouteFixture.Json(AuthRouteFixture.WebSessionRequest("alice"))), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("GET /v1/web_sessions", _ => Get("v1/web_sessions"), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("GET /v1/web_sessions/{id}", f => Get($"v1/web_sessions/{f.WebSessionToRead}"), ApiCaller.ProxyHost, 200, ProxyOnly),
        new("DELETE /v1/web_sessions/{id}", f => Send(HttpMethod.Delete, $"v1/web_sessions/{f.WebSessionToEnd}"), ApiCaller.ProxyHost, 204, ProxyOnly),

        // Locks and revocations: components read them all; users by rule.
        new("GET /v1/locks", _ => Get("v1/locks"), ApiCaller.Editor, 200, ComponentReads),
        new("GET /v1/locks/{name}", _ => Get($"v1/locks/{AuthRouteFixture.LockOfMallory}"), ApiCaller.Editor, 200, Administration),
        new("PUT /v1/locks", _ => Send(HttpMethod.Put, "v1/locks", Resource(AuthRouteFixture.Lock("planted-lock", "victim"))), ApiCaller.Editor, 200, Administration),
        new("DELETE /v1/locks/{name}", _ => Send(HttpMethod.Delete, $"v1/locks/{AuthRouteFixture.LockToDelete}"), ApiCaller.Editor, 204, Administration),
        new("GET /v1/revocations", _ => Get("v1/revocations"), ApiCaller.ProxyHost, 200, [.. ComponentReads, new(ApiCaller.Editor, 403)]),

        // SSO connectors: users by rule on each kind; no component reads them yet. Secrets need "read" besides "list".
        .. ConnectorRoutes(ResourceKinds.Github),
        .. ConnectorRoutes(ResourceKinds.Oidc),
        .. ConnectorRoutes(ResourceKinds.Saml),

        // Proxies announce themselves; agents and proxies read the live set.
        new("PUT /v1/proxies", _ => Send(HttpMethod.Put, "v1/proxies", AuthRouteFixture.Json(new ProxyHeartbeat { HostId = "claimed", PublicAddrs = ["proxy.test:3080"] })),
            ApiCaller.ProxyHost, 200, ProxyOnly),
        new("DELETE /v1/proxies", _ => Send(HttpMethod.Delete, "v1/proxies"), ApiCaller.ProxyHost, 204, ProxyOnly),
        new("GET /v1/proxies", _ => Get("v1/proxies"), ApiCaller.AppHost, 200, [.. ComponentReads, new(ApiCaller.Editor, 403)]),

        // Host renewal: agents and proxies renew themselves.
        new("POST /v1/hosts/renew", _ => Send(HttpMethod.Post, "v1/hosts/renew", AuthRouteFixture.Json(new RenewHostRequest { PublicKey = AuthRouteFixture.NewPublicKey() })),
            ApiCaller.AppHost, 200,
            [new(ApiCaller.NoRoles, 403), new(ApiCaller.Access, 403), new(ApiCaller.AppCertificate, 403), new(ApiCaller.Editor, 403), new(ApiCaller.ProxyForwardingNoRoles, 403)]),
    ];

    public static AuthRoute Find(string route) => Routes.Single(r => r.Route == route);

    /// <summary>Every (route, caller, status, case) the refusal theory runs: each route's own rows and <see cref="Everywhere"/>.</summary>
    public static IEnumerable<(AuthRoute Route, Refusal Refusal)> AllRefusals() =>
        Routes.SelectMany(route => route.Refusals
            .Concat(Everywhere.Where(r => !Public.Contains(route.Route) && (r.Caller != ApiCaller.NoCertificate || !Anonymous.Contains(route.Route))))
            .Select(refusal => (route, refusal)));

    /// <summary>The four routes of one connector kind. The planted connector would grant editor to a GitHub team.</summary>
    private static AuthRoute[] ConnectorRoutes(string kind)
    {
        var read = AuthRouteFixture.ConnectorToRead(kind);
        Refusal SecretsWithoutRead(string path) => new(ApiCaller.ConnectorViewer, 403, "secrets without read", _ => Get(path));
        Refusal OtherKind() => new(ApiCaller.Editor, 400, "a body of another kind", _ => Send(HttpMethod.Put, $"v1/connectors/{kind}",
            Resource(AuthRouteFixture.Connector(kind == ResourceKinds.Github ? ResourceKinds.Oidc : ResourceKinds.Github, "planted-other"))));
        return
        [
            new($"GET /v1/connectors/{kind}", _ => Get($"v1/connectors/{kind}?with_secrets=true"), ApiCaller.Editor, 200,
                [.. Administration, SecretsWithoutRead($"v1/connectors/{kind}?with_secrets=true")]),
            new($"GET /v1/connectors/{kind}/{{name}}", _ => Get($"v1/connectors/{kind}/{read}?with_secrets=true"), ApiCaller.Editor, 200,
                [.. Administration, SecretsWithoutRead($"v1/connectors/{kind}/{read}?with_secrets=true")]),
            new($"PUT /v1/connectors/{kind}", _ => Send(HttpMethod.Put, $"v1/connectors/{kind}", Resource(AuthRouteFixture.Connector(kind, "planted-" + kind))), ApiCaller.Editor, 200,
                [.. Administration, new(ApiCaller.ConnectorViewer, 403), OtherKind()]),
            new($"DELETE /v1/connectors/{kind}/{{name}}", _ => Send(HttpMethod.Delete, $"v1/connectors/{kind}/{AuthRouteFixture.ConnectorToDelete(kind)}"), ApiCaller.Editor, 204,
                [.. Administration, new(ApiCaller.ConnectorViewer, 403)]),
        ];
    }

    private static User EditorUser(string name) => new() { Metadata = new ResourceMetadata { Name = name }, Spec = new UserSpec { Roles = ["editor"] } };

    private static HttpRequestMessage PutUser(string name) => Send(HttpMethod.Put, $"v1/users/{name}?force=true", Resource(EditorUser(name)));

    private static HttpRequestMessage PatchUser(string name) => Send(HttpMethod.Patch, $"v1/users/{name}", AuthRouteFixture.Json(new UpdateUserRequest { Roles = ["editor"] }));

    private static HttpRequestMessage Events(string type) =>
        Send(HttpMethod.Post, "v1/events", new StringContent($$"""[{"event": "{{type}}", "user": "alice"}]""", new MediaTypeHeaderValue("application/json")));

    private static HttpRequestMessage Get(string path) => Send(HttpMethod.Get, path);

    private static HttpRequestMessage Send(HttpMethod method, string path, HttpContent? content = null) => new(method, path) { Content = content };

    private static ByteArrayContent Resource(IResource resource)
    {
        var content = new ByteArrayContent(ResourceJson.SerializeToUtf8Bytes(resource));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    private static JsonElement ResourceElement(IResource resource) => JsonDocument.Parse(ResourceJson.SerializeToUtf8Bytes(resource)).RootElement.Clone();
}
