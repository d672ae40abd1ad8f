namespace Ferry.Core.Identity;

/// <summary>
/// Who a certificate speaks for. Users hold short-lived certificates (hours); hosts (the auth server's admin
/// identity, proxies, app agents) hold host certificates with a system role. An app certificate is a user
/// certificate with <see cref="RouteToApp"/> set: it is good for that one app session and that one AWS role.
/// </summary>
public sealed record FerryIdentity
{
    public required IdentityKind Kind { get; init; }

    /// <summary>User name, or for hosts the host id.</summary>
    public required string Username { get; init; }

    /// <summary>Cluster roles of a user; for hosts the single system role (Admin, Proxy, App).</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];

    public IReadOnlyDictionary<string, IReadOnlyList<string>> Traits { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    public required DateTimeOffset Expires { get; init; }

    /// <summary>When the certificate was issued (auth's clock): revocations refuse certificates issued before them.</summary>
    public DateTimeOffset? Issued { get; init; }

    public required string ClusterName { get; init; }

    /// <summary>Set only on app certificates.</summary>
    public RouteToApp? RouteToApp { get; init; }

    /// <summary>Host name of an agent or proxy (informational).</summary>
    public string? NodeName { get; init; }

    public bool IsHost => Kind == IdentityKind.Host;

    public bool HasSystemRole(string systemRole) => IsHost && Roles.Contains(systemRole, StringComparer.Ordinal);
}

public enum IdentityKind
{
    User,
    Host,
}

/// <summary>The app route bound into an app certificate (Teleport's RouteToApp).</summary>
public sealed record RouteToApp
{
    public required string SessionId { get; init; }
    public required string AppName { get; init; }
    public required string PublicAddr { get; init; }
    public required string ClusterName { get; init; }

    /// <summary>The one IAM role this certificate may act as; null for apps that are not AWS apps.</summary>
    public string? AwsRoleArn { get; init; }
}
