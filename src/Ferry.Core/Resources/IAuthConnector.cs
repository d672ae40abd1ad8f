namespace Ferry.Core.Resources;

/// <summary>
/// A single sign-on connector (<c>kind: github</c>, <c>oidc</c> or <c>saml</c>): how to reach an identity provider and
/// which of its teams, claims or attributes give which roles. What the three share is what auth needs to store them:
/// the roles they name, and the secrets that <c>tctl get</c> leaves out unless asked (docs/resources.md).
/// </summary>
public interface IAuthConnector : IResource
{
    /// <summary>The label of this connector's sign-in button (<c>spec.display</c>); null for its name.</summary>
    string? Display { get; }

    /// <summary>Each mapping's roles with its place in the spec (e.g. <c>teams_to_roles[0]</c>), for "role does not exist".</summary>
    IReadOnlyList<ConnectorRoleMapping> RoleMappings { get; }

    /// <summary>The spec paths of secrets that are blank (e.g. <c>spec.client_secret</c>).</summary>
    IReadOnlyList<string> MissingSecrets { get; }

    /// <summary>What <c>tctl get</c> prints without <c>--with-secrets</c>: client secrets and private keys left out.</summary>
    IAuthConnector WithoutSecrets();

    /// <summary>
    /// Each secret this connector leaves blank, taken from <paramref name="stored"/>, so that re-applying the output of
    /// <c>tctl get</c> (which has no secrets) keeps them. A secret that is given always wins.
    /// </summary>
    IAuthConnector KeepingSecretsOf(IAuthConnector stored);

    IAuthConnector WithMetadata(ResourceMetadata metadata);
}
