namespace Ferry.Core.Resources;

/// <summary>
/// A <c>kind: token</c> join token (version v2). The token value is the resource name; it is a secret,
/// shown only to its creator and with <c>--with-secrets</c>.
/// </summary>
public sealed record ProvisionToken : IResource
{
    public const string Kind = ResourceKinds.Token;
    public string Version { get; init; } = "v2";
    public required ResourceMetadata Metadata { get; init; }
    public ProvisionTokenSpec Spec { get; init; } = new();

    public string Name => Metadata.Name;

    string IResource.ResourceKind => Kind;
}

public sealed record ProvisionTokenSpec
{
    /// <summary>System roles a host joining with this token receives, e.g. App, Proxy.</summary>
    public IReadOnlyList<string> Roles { get; init; } = [];
    public string JoinMethod { get; init; } = "token";

    /// <summary>
    /// App tokens: the app names (or globs such as <c>aws-*</c>) an agent joining with this token may serve; bound into
    /// its host identity at join, so an agent can never announce anything else (docs/security.md).
    /// </summary>
    public IReadOnlyList<string> AppNames { get; init; } = [];
}

/// <summary>System roles of hosts (agents, proxies, the auth server's own admin identity).</summary>
public static class SystemRoles
{
    public const string Admin = "Admin";
    public const string Auth = "Auth";
    public const string Proxy = "Proxy";
    public const string App = "App";

    public static readonly IReadOnlyList<string> JoinableRoles = [Proxy, App];
}
