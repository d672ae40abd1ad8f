namespace Ferry.Core.Resources;

/// <summary>
/// A <c>kind: saml</c> connector (version v2, Teleport's shape): an identity provider described by its metadata
/// (<c>entity_descriptor</c> inline, or <c>entity_descriptor_url</c>), the assertion consumer service (ACS) it posts
/// to, and which attribute values give which roles. <c>signing_key_pair</c> signs Ferry's requests; auth makes one when
/// a connector has none.
/// </summary>
public sealed record SamlConnector : IAuthConnector
{
    public const string Kind = ResourceKinds.Saml;

    /// <summary>The ACS path; the connector's name follows it.</summary>
    public const string AcsPathPrefix = "/v1/webapi/saml/acs/";

    public string Version { get; init; } = "v2";
    public required ResourceMetadata Metadata { get; init; }
    public SamlConnectorSpec Spec { get; init; } = new();

    public string Name => Metadata.Name;

    string IResource.ResourceKind => Kind;

    public string? Display => Spec.Display;

    public IReadOnlyList<ConnectorRoleMapping> RoleMappings =>
        Spec.AttributesToRoles.Select((m, i) => new ConnectorRoleMapping($"attributes_to_roles[{i}]", m.Roles)).ToList();

    /// <summary>A key pair without its private key; a connector without any key pair gets a new one from auth instead.</summary>
    public IReadOnlyList<string> MissingSecrets =>
        Spec.SigningKeyPair is { } pair && string.IsNullOrEmpty(pair.PrivateKey) ? ["spec.signing_key_pair.private_key"] : [];

    public IAuthConnector WithoutSecrets() =>
        Spec.SigningKeyPair is { } pair ? this with { Spec = Spec with { SigningKeyPair = pair with { PrivateKey = null } } } : this;

    /// <summary>
    /// A blank private key, or a left-out key pair, comes from the stored connector. A new certificate without its key
    /// keeps the stored key too; the codec then refuses the pair if they do not belong together.
    /// </summary>
    public IAuthConnector KeepingSecretsOf(IAuthConnector stored)
    {
        if (stored is not SamlConnector { Spec.SigningKeyPair: { PrivateKey.Length: > 0 } storedPair })
        {
            return this;
        }

        return Spec.SigningKeyPair switch
        {
            null => this with { Spec = Spec with { SigningKeyPair = storedPair } },
            { PrivateKey: null or "" } pair => this with { Spec = Spec with { SigningKeyPair = pair with { PrivateKey = storedPair.PrivateKey } } },
            _ => this,
        };
    }

    public IAuthConnector WithMetadata(ResourceMetadata metadata) => this with { Metadata = metadata };
}

public sealed record SamlConnectorSpec
{
    /// <summary>Where the identity provider posts its response: <c>https://PROXY/v1/webapi/saml/acs/NAME</c>.</summary>
    public string Acs { get; init; } = "";

    /// <summary>The identity provider's metadata XML, pasted in.</summary>
    public string? EntityDescriptor { get; init; }

    /// <summary>Where the identity provider publishes its metadata (read at login; not fetched when the connector is stored).</summary>
    public string? EntityDescriptorUrl { get; init; }

    public IReadOnlyList<AttributeMapping> AttributesToRoles { get; init; } = [];

    /// <summary>The audience the identity provider puts in its assertions; the ACS when unset.</summary>
    public string? Audience { get; init; }

    /// <summary>Ferry's entity id as the identity provider knows it; the ACS when unset.</summary>
    public string? ServiceProviderIssuer { get; init; }

    public SamlKeyPair? SigningKeyPair { get; init; }

    /// <summary>Accept responses the identity provider starts (no request of Ferry's to answer). Off by default.</summary>
    public bool AllowIdpInitiated { get; init; }

    public string? Display { get; init; }
}

/// <summary>A user whose attribute <see cref="Name"/> has a value matching <see cref="Value"/> gets <see cref="Roles"/>.</summary>
public sealed record AttributeMapping
{
    public string Name { get; init; } = "";
    public string Value { get; init; } = "";
    public IReadOnlyList<string> Roles { get; init; } = [];
}

/// <summary>PEM certificate and private key; the key is a secret, left out by <c>tctl get</c> unless asked.</summary>
public sealed record SamlKeyPair
{
    public string Cert { get; init; } = "";
    public string? PrivateKey { get; init; }
}
