namespace Ferry.Core.Resources;

/// <summary>
/// A <c>kind: github</c> connector (version v3, Teleport's shape): a GitHub OAuth app, and which organisation teams get
/// which roles. <c>endpoint_url</c> and <c>api_endpoint_url</c> point at GitHub Enterprise; unset, they are github.com's.
/// </summary>
public sealed record GithubConnector : IAuthConnector
{
    public const string Kind = ResourceKinds.Github;
    public const string DefaultEndpointUrl = "https://github.com";
    public const string DefaultApiEndpointUrl = "https://api.github.com";

    /// <summary>Where GitHub sends the browser back: the proxy's public address with this path.</summary>
    public const string CallbackPath = "/v1/webapi/github/callback";

    public string Version { get; init; } = "v3";
    public required ResourceMetadata Metadata { get; init; }
    public GithubConnectorSpec Spec { get; init; } = new();

    public string Name => Metadata.Name;

    string IResource.ResourceKind => Kind;

    public string? Display => Spec.Display;

    public IReadOnlyList<ConnectorRoleMapping> RoleMappings =>
        Spec.TeamsToRoles.Select((m, i) => new ConnectorRoleMapping($"teams_to_roles[{i}]", m.Roles)).ToList();

    public IReadOnlyList<string> MissingSecrets => string.IsNullOrEmpty(Spec.ClientSecret) ? ["spec.client_secret"] : [];

    public IAuthConnector WithoutSecrets() => this with { Spec = Spec with { ClientSecret = null } };

    public IAuthConnector KeepingSecretsOf(IAuthConnector stored) =>
        string.IsNullOrEmpty(Spec.ClientSecret) && stored is GithubConnector { Spec.ClientSecret: { Length: > 0 } secret }
            ? this with { Spec = Spec with { ClientSecret = secret } }
            : this;

    public IAuthConnector WithMetadata(ResourceMetadata metadata) => this with { Metadata = metadata };
}

public sealed record GithubConnectorSpec
{
    public string ClientId { get; init; } = "";

    /// <summary>Null when left out: by <c>tctl get</c> without <c>--with-secrets</c>, or by a file re-applying it.</summary>
    public string? ClientSecret { get; init; }

    public string RedirectUrl { get; init; } = "";

    /// <summary>The label of this connector's button; the name when unset.</summary>
    public string? Display { get; init; }

    public IReadOnlyList<TeamRolesMapping> TeamsToRoles { get; init; } = [];

    /// <summary>GitHub Enterprise's web address (OAuth pages); null for github.com.</summary>
    public string? EndpointUrl { get; init; }

    /// <summary>GitHub Enterprise's API address (teams of the user); null for api.github.com.</summary>
    public string? ApiEndpointUrl { get; init; }
}

/// <summary>Members of <see cref="Team"/> in <see cref="Organization"/> get <see cref="Roles"/>.</summary>
public sealed record TeamRolesMapping
{
    public string Organization { get; init; } = "";
    public string Team { get; init; } = "";
    public IReadOnlyList<string> Roles { get; init; } = [];
}
