namespace Ferry.Auth.Sso;

/// <summary>
/// A browser login in flight, stored under <c>/sso_requests/ID</c> until the identity provider sends the browser back
/// (at most <see cref="SsoRequestStore.Lifetime"/>) and taken exactly once: its id is OIDC's and GitHub's <c>state</c>
/// and SAML's <c>RelayState</c>, so a replayed callback finds nothing.
/// </summary>
public sealed record SsoRequest
{
    public const string ConsoleFlow = "console";
    public const string WebFlow = "web";

    public required string Id { get; init; }
    /// <summary><c>github</c>, <c>oidc</c> or <c>saml</c>.</summary>
    public required string Kind { get; init; }
    public required string Connector { get; init; }
    /// <summary><see cref="ConsoleFlow"/> (tsh's loopback listener gets the sealed result) or <see cref="WebFlow"/> (a browser session).</summary>
    public required string Flow { get; init; }
    /// <summary>The key the certificate will be for (tsh's, or the proxy's throwaway key of a web session).</summary>
    public required string PublicKey { get; init; }
    public TimeSpan? Ttl { get; init; }
    /// <summary>Console: tsh's listener, checked by <see cref="Core.Sso.SsoClientRedirect"/>.</summary>
    public string? ClientRedirectUrl { get; init; }
    /// <summary>Console: the key tsh sent to seal its result with.</summary>
    public string? SealKey { get; init; }
    /// <summary>Web: the hash of the browser's sign-in cookie; the callback must come from the browser that started.</summary>
    public string? BrowserBindingHash { get; init; }
    public string? ReturnTo { get; init; }
    /// <summary>The proxy callback URL (redirect_url or ACS) used for this login: the code exchange must name it again.</summary>
    public string CallbackUrl { get; init; } = "";
    /// <summary>OIDC: the nonce the ID token must carry.</summary>
    public string? Nonce { get; init; }
    /// <summary>OIDC: the PKCE code verifier (its S256 hash went to the identity provider).</summary>
    public string? CodeVerifier { get; init; }
    /// <summary>SAML: the AuthnRequest's ID the response must answer (InResponseTo).</summary>
    public string? SamlRequestId { get; init; }
    public required DateTimeOffset Expires { get; init; }
}
