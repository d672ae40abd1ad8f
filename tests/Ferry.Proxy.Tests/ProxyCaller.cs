namespace Ferry.Proxy.Tests;

/// <summary>Who calls the proxy's public listener in <see cref="ProxyRouteTable"/>; each is minted by <see cref="ProxyRouteFixture"/>.</summary>
public enum ProxyCaller
{
    /// <summary>No certificate, no cookie: a browser before sign-in, tsh before login.</summary>
    Anonymous,

    /// <summary>No certificate, but an X-Ferry-Forwarded-Cert header holding an editor's certificate.</summary>
    AnonymousForgingEditor,

    /// <summary>User "nobody" (no roles) with its certificate.</summary>
    NoRoles,

    /// <summary>Nobody's certificate plus a forged X-Ferry-Forwarded-Cert naming the editor.</summary>
    NoRolesForgingEditor,

    /// <summary>User "alice" (access) with her login certificate.</summary>
    Access,

    /// <summary>User "erin" (editor) with her login certificate.</summary>
    Editor,

    /// <summary>The joined app agent with its host certificate.</summary>
    AppHost,

    /// <summary>A browser signed in as nobody (web session cookie, no certificate).</summary>
    SignedInNoRoles,

    /// <summary>A browser signed in as alice (access: apps, not the audit log).</summary>
    SignedInAccess,
}
