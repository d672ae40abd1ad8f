namespace Ferry.Core.Resources;

/// <summary>
/// A <c>kind: oidc</c> connector (version v3, Teleport's shape): an OpenID Connect client at an issuer, and which
/// claim values give which roles. A claim's value may be matched literally, by a glob or by a <c>^regex$</c>, and a
/// role may copy a captured part with <c>$1</c>.
/// </summary>
public sealed record OidcConnector : IAuthConnector
{
    public const string Kind = ResourceKinds.Oidc;
    public const string CallbackPath = "/v1/webapi/oidc/callback";
    public const string PkceEnabled = "enabled";
    public const string PkceDisabled = "disabled";
    public static readonly IReadOnlyList<string> PkceModes = [PkceEnabled, PkceDisabled];

    public string Version { get; init; } = "v3";
    public required ResourceMetadata Metadata { get; init; }
    public OidcConnectorSpec Spec { get; init; } = new();

    public string Name => Metadata.Name;

    string IResource.ResourceKind => Kind;

    public string? Display => Spec.Display;

    public IReadOnlyList<ConnectorRoleMapping> RoleMappings =>
        Spec.ClaimsToRoles.Select((m, i) => new ConnectorRoleMapping($"claims_to_roles[{i}]", m.Roles)).ToList();

    public IReadOnlyList<string> MissingSecrets => string.IsNullOrEmpty(Spec.ClientSecret) ? ["spec.client_secret"] : [];

    public IAuthConnector WithoutSecrets() => this with { Spec = Spec with { ClientSecret = null } };

    public IAuthConnector KeepingSecretsOf(IAuthConnector stored) =>
        string.IsNullOrEmpty(Spec.ClientSecret) && stored is OidcConnector { Spec.ClientSecret: { Length: > 0 } secret }
            ? this with { Spec = Spec with { ClientSecret = secret } }
            : this;

    public IAuthConnector WithMetadata(ResourceMetadata metadata) => this with { Metadata = metadata };
}

public sealed record OidcConnectorSpec
{
    public string IssuerUrl { get; init; } = "";
    public string ClientId { get; init; } = "";

    /// <summary>Null when left out: by <c>tctl get</c> without <c>--with-secrets</c>, or by a file re-applying it.</summary>
    public string? ClientSecret { get; init; }

    /// <summary>One per proxy address users log in through (Teleport accepts a string or a list).</summary>
    public IReadOnlyList<string> RedirectUrls { get; init; } = [];

    /// <summary>Scopes asked for besides <c>openid</c> (e.g. <c>groups</c>).</summary>
    public IReadOnlyList<string> Scope { get; init; } = [];

    public IReadOnlyList<ClaimMapping> ClaimsToRoles { get; init; } = [];

    /// <summary>How long ago the user may have signed in at the issuer (OIDC <c>max_age</c>); null leaves it to the issuer.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary><see cref="OidcConnector.PkceEnabled"/> (the default) or <see cref="OidcConnector.PkceDisabled"/>.</summary>
    public string PkceMode { get; init; } = OidcConnector.PkceEnabled;

    public string? Display { get; init; }
}

/// <summary>A user whose claim <see cref="Claim"/> has a value matching <see cref="Value"/> gets <see cref="Roles"/>.</summary>
public sealed record ClaimMapping
{
    public string Claim { get; init; } = "";
    public string Value { get; init; } = "";
    public IReadOnlyList<string> Roles { get; init; } = [];
}
