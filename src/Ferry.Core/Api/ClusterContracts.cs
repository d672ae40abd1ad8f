namespace Ferry.Core.Api;

/// <summary>What anyone may learn about a cluster before logging in (GET /v1/webapi/ping on the proxy).</summary>
public sealed record PingResponse
{
    public required string ClusterName { get; init; }
    public required string ServerVersion { get; init; }
    public required string SecondFactor { get; init; }
    public string? ProxyPublicAddr { get; init; }
}

/// <summary>The cluster's CA certificates; the host CA pin lets a joining host check it talks to the right cluster.</summary>
public sealed record CaResponse
{
    public required string ClusterName { get; init; }
    public required string UserCaPem { get; init; }
    public required string HostCaPem { get; init; }
    public required string CaPin { get; init; }
}

public sealed record StatusResponse
{
    public required string ClusterName { get; init; }
    public required string Version { get; init; }
    public required string CaPin { get; init; }
    public string SecondFactor { get; init; } = "off";
    /// <summary>The proxy's public address as auth knows it (for join instructions), when known.</summary>
    public string? ProxyPublicAddr { get; init; }
    public DateTimeOffset? HostCaExpires { get; init; }
    public DateTimeOffset? UserCaExpires { get; init; }
}
