namespace Ferry.Auth.Tests.Api;

/// <summary>Who calls the auth API in the route tables; each is minted in code by <see cref="AuthRouteFixture"/>.</summary>
public enum ApiCaller
{
    /// <summary>The TLS handshake without a client certificate (auth requires one).</summary>
    NoCertificate,

    /// <summary>User "nobody" with no roles at all.</summary>
    NoRoles,

    /// <summary>User "alice" with only the access role (apps, no administration).</summary>
    Access,

    /// <summary>Alice's app certificate for app "dynamo" (RouteToApp set): good for that app, nothing else.</summary>
    AppCertificate,

    /// <summary>A joined app agent (system role App) serving "dynamo" and "spare".</summary>
    AppHost,

    /// <summary>A registered proxy (system role Proxy) acting as itself.</summary>
    ProxyHost,

    /// <summary>The proxy forwarding nobody's certificate in X-Ferry-Forwarded-Cert: the proxy lends no rights.</summary>
    ProxyForwardingNoRoles,

    /// <summary>The app agent putting an editor's certificate in X-Ferry-Forwarded-Cert: only proxies may forward.</summary>
    AppHostForwardingEditor,

    /// <summary>User "mallory" with the editor role, under a lock.</summary>
    LockedEditor,

    /// <summary>User "erin" with the editor role (authorised for administration).</summary>
    Editor,

    /// <summary>User "viv", whose role may list SSO connectors but not read them: sees them without their secrets.</summary>
    ConnectorViewer,
}
