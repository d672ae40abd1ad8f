namespace Ferry.Core.Api;

/// <summary>
/// A proxy's heartbeat (stored under /proxies/&lt;host id&gt; with a short expiry): how agents learn which proxies are
/// alive, so they hold a tunnel to each (docs/deploy-ha.md), and how auth learns the proxies' public hosts.
/// </summary>
public sealed record ProxyHeartbeat
{
    /// <summary>The proxy's host id; auth sets it from the caller's certificate.</summary>
    public required string HostId { get; init; }
    public string? Hostname { get; init; }
    public IReadOnlyList<string> PublicAddrs { get; init; } = [];
    public string? Version { get; init; }
    public DateTimeOffset? Expires { get; init; }

    public const string Prefix = "/proxies/";
}
