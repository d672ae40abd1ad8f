namespace Ferry.Auth.Hosts;

/// <summary>
/// What auth knows about a joined host (stored under /hosts/&lt;host id&gt;): the id auth assigned, its one system role,
/// and for app agents the apps its join token allowed. Heartbeats and renewals are checked against it; removing it
/// (the host's data_dir is gone, or an administrator revoked it) means the host must join again.
/// </summary>
public sealed record HostRecord
{
    public required string HostId { get; init; }
    public required string Role { get; init; }
    public string? NodeName { get; init; }

    /// <summary>App agents: names or globs from the join token's app_names.</summary>
    public IReadOnlyList<string> AppNames { get; init; } = [];

    /// <summary>Proxies: the DNS names auth put in the certificate.</summary>
    public IReadOnlyList<string> DnsNames { get; init; } = [];

    public required DateTimeOffset JoinedAt { get; init; }
    public DateTimeOffset? RenewedAt { get; init; }

    public const string Prefix = "/hosts/";

    public static string KeyOf(string hostId) => Prefix + hostId;
}
