namespace Ferry.Core.Api;

/// <summary>POST /v1/tokens: tctl tokens add.</summary>
public sealed record CreateTokenRequest
{
    public required IReadOnlyList<string> Roles { get; init; }
    public int? TtlSeconds { get; init; }
    public string? Value { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
    /// <summary>App tokens: the app names (or globs) agents joining with it may serve; required for App.</summary>
    public IReadOnlyList<string>? AppNames { get; init; }
}

/// <summary>POST /v1/join (through the proxy's /v1/webapi/join): a host proves a token and gets a host certificate.</summary>
public sealed record JoinRequest
{
    public required string Token { get; init; }
    public required string Role { get; init; }
    /// <summary>Informational host name; the host id is assigned by auth, never chosen by the joining host.</summary>
    public string? NodeName { get; init; }
    public required string PublicKey { get; init; }
    /// <summary>Proxies only: the names for their certificate, checked against the proxies' public hosts. Agents get none.</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];
}

public sealed record JoinResponse
{
    public required string CertPem { get; init; }
    public required string HostCaPem { get; init; }
    public required string UserCaPem { get; init; }
    public required string ClusterName { get; init; }
    /// <summary>The host id auth assigned (also the certificate's subject).</summary>
    public required string HostId { get; init; }
}

/// <summary>POST /v1/hosts/renew: a host swaps its certificate for a fresh one for a new key before it expires.</summary>
public sealed record RenewHostRequest
{
    public required string PublicKey { get; init; }
}

public sealed record RenewHostResponse
{
    public required string CertPem { get; init; }
}
