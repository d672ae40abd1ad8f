namespace Ferry.Core.Api;

/// <summary>POST /v1/tokens: tctl tokens add.</summary>
public sealed record CreateTokenRequest
{
    public required IReadOnlyList<string> Roles { get; init; }
    public int? TtlSeconds { get; init; }
    public string? Value { get; init; }
    public IReadOnlyDictionary<string, string>? Labels { get; init; }
}

/// <summary>POST /v1/join (through the proxy's /v1/webapi/join): a host proves a token and gets a host certificate.</summary>
public sealed record JoinRequest
{
    public required string Token { get; init; }
    public required string Role { get; init; }
    public required string HostId { get; init; }
    public string? NodeName { get; init; }
    public required string PublicKey { get; init; }
    public IReadOnlyList<string> DnsNames { get; init; } = [];
}

public sealed record JoinResponse
{
    public required string CertPem { get; init; }
    public required string HostCaPem { get; init; }
    public required string UserCaPem { get; init; }
    public required string ClusterName { get; init; }
}
