namespace Ferry.Core.Api;

/// <summary>POST /v1/web_sessions (proxy only): a browser sign-in. The proxy generated the key the certificate is for.</summary>
public sealed record CreateWebSessionRequest
{
    public required string User { get; init; }
    public required string Password { get; init; }
    public string? OtpCode { get; init; }
    public required string PublicKey { get; init; }
    /// <summary>The browser's address as the proxy saw it, for the audit log and lockouts.</summary>
    public string? RemoteAddr { get; init; }
}

/// <summary>A web session as auth stores it under /web_sessions/&lt;id&gt; and the proxy caches it. Holds no bearer secret: only the hash of the cookie's.</summary>
public sealed record WebSessionRecord
{
    public required string Id { get; init; }
    public required string User { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    /// <summary>SHA-256 (hex) of the secret half of the cookie.</summary>
    public required string SecretHash { get; init; }
    public required string CsrfToken { get; init; }
    /// <summary>The user certificate the proxy forwards when it acts for this browser.</summary>
    public required string CertPem { get; init; }
    public required DateTimeOffset Expires { get; init; }
    public bool CanReadAudit { get; init; }
}

public sealed record CreateWebSessionResponse
{
    public required WebSessionRecord Session { get; init; }
    /// <summary>The cookie's secret half; returned once, stored only hashed.</summary>
    public required string Secret { get; init; }
}

/// <summary>POST /v1/app_sessions/exchange (proxy only): a one-time launch token becomes the app cookie.</summary>
public sealed record ExchangeAppSessionRequest
{
    public required string SessionId { get; init; }
    public required string Token { get; init; }
}

public sealed record ExchangeAppSessionResponse
{
    public required string SessionId { get; init; }
    /// <summary>The app cookie's secret half; returned once, stored only hashed.</summary>
    public required string Secret { get; init; }
    public required string AppName { get; init; }
}
