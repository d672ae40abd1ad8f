namespace Ferry.Core.Api;

/// <summary>A password (+ TOTP) login asking for a certificate on a client-generated public key.</summary>
public sealed record LoginRequest
{
    public required string User { get; init; }
    public required string Password { get; init; }
    public string? OtpCode { get; init; }
    public required string PublicKey { get; init; }
    /// <summary>Requested certificate lifetime; capped by the roles' max_session_ttl.</summary>
    public TimeSpan? Ttl { get; init; }
}

/// <summary>The certificate and the CAs the client needs to trust the cluster.</summary>
public sealed record LoginResponse
{
    public required string Username { get; init; }
    public required string ClusterName { get; init; }
    public required string CertPem { get; init; }
    public required string UserCaPem { get; init; }
    public required string HostCaPem { get; init; }
    public required DateTimeOffset Expires { get; init; }
}
