using System.Collections.Frozen;
using Ferry.Auth.Audit;
using Ferry.Auth.Roles;
using Ferry.Auth.Storage;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Core.Yaml;
using Ferry.Storage;

namespace Ferry.Auth.Connectors;

/// <summary>
/// SSO connectors (tctl create/get/rm github, oidc, saml), stored under <c>/connectors/KIND/NAME</c>. A connector is
/// stored whole or not at all: the codec's checks, the secrets it lacks and the roles it maps to are all checked, and
/// every problem is reported together, before anything is written. Secrets left out of a file (as <c>tctl get</c>
/// prints it) are kept from the stored connector. Logins through them: src/Ferry.Auth/Sso/SsoService.cs.
/// </summary>
public sealed class ConnectorService
{
    public const string Prefix = "/connectors/";

    private readonly FrozenDictionary<string, ResourceStore<IAuthConnector>> _stores;
    private readonly RoleService _roles;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly string _clusterName;

    /// <summary>Reads what a connector points at (discovery, metadata) when it is stored; null checks nothing.</summary>
    internal Func<IAuthConnector, CancellationToken, ValueTask<(string Place, string Problem)?>>? Probe { get; set; }

    public ConnectorService(IBackend backend, RoleService roles, AuditLog audit, TimeProvider time, string clusterName)
    {
        _stores = ResourceKinds.Connectors.ToFrozenDictionary(
            kind => kind,
            kind => new ResourceStore<IAuthConnector>(backend, Prefix + kind + "/", kind + " connector", Serializer),
            StringComparer.Ordinal);
        _roles = roles;
        _audit = audit;
        _time = time;
        _clusterName = clusterName;
    }

    private static readonly ResourceSerializer<IAuthConnector> Serializer = new(
        c => c.Metadata.Name,
        c => ResourceJson.SerializeToUtf8Bytes(c),
        b => ResourceJson.Deserialize<IAuthConnector>(b.Span),
        c => c.Metadata.Expires,
        (c, rev) => c.WithMetadata(c.Metadata with { Revision = rev }));

    public ValueTask<IReadOnlyList<IAuthConnector>> ListAsync(string kind, CancellationToken cancellationToken) => Store(kind).ListAsync(cancellationToken);

    public ValueTask<IAuthConnector> GetAsync(string kind, string name, CancellationToken cancellationToken) => Store(kind).RequireAsync(name, cancellationToken);

    /// <summary>
    /// tctl create [-f]: a new connector, or with <paramref name="force"/> a replacement that keeps each stored secret
    /// the file leaves blank. A SAML connector without a signing key pair gets one.
    /// </summary>
    public async ValueTask<IAuthConnector> UpsertAsync(IAuthConnector connector, bool force, string actor, CancellationToken cancellationToken)
    {
        var kind = connector.ResourceKind;
        var store = Store(kind);
        var stored = await store.GetAsync(connector.Metadata.Name, cancellationToken);
        if (stored is not null && !force)
        {
            throw FerryException.AlreadyExists($"{kind} connector \"{connector.Metadata.Name}\" already exists; use --force (-f) to overwrite it");
        }

        var complete = stored is null ? connector : connector.KeepingSecretsOf(stored);
        if (complete is SamlConnector { Spec.SigningKeyPair: null } saml)
        {
            complete = saml with { Spec = saml.Spec with { SigningKeyPair = SamlSigningKeys.Generate(_clusterName, _time) } };
        }

        await CheckAsync(complete, cancellationToken);
        var saved = stored is null ? await store.CreateAsync(complete, cancellationToken) : await store.UpsertAsync(complete, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(stored is null ? CreatedEvent(kind) : UpdatedEvent(kind), actor).Set("name", saved.Metadata.Name), cancellationToken);
        return saved;
    }

    public async ValueTask DeleteAsync(string kind, string name, string actor, CancellationToken cancellationToken)
    {
        await Store(kind).DeleteAsync(name, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(DeletedEvent(kind), actor).Set("name", name), cancellationToken);
    }

    /// <summary>Everything wrong with the connector about to be stored, in one BadParameter.</summary>
    private async ValueTask CheckAsync(IAuthConnector connector, CancellationToken cancellationToken)
    {
        var diagnostics = new YamlDiagnostics();
        ResourceCodec.Validate(connector, diagnostics);
        foreach (var secret in connector.MissingSecrets)
        {
            diagnostics.ReportWithoutPosition(secret, "missing required key",
                $"a new {connector.ResourceKind} connector needs it (tctl get prints it only with --with-secrets; once stored, leaving it out keeps the stored one)");
        }

        var known = (await _roles.ListAsync(cancellationToken)).Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var mapping in connector.RoleMappings)
        {
            foreach (var role in mapping.FixedRoles.Where(r => !known.Contains(r)).Distinct(StringComparer.Ordinal))
            {
                diagnostics.ReportWithoutPosition("", $"role \"{role}\" in {mapping.Place} does not exist; create it first",
                    $"existing roles: {string.Join(", ", known.Order(StringComparer.Ordinal))}");
            }
        }

        // Only a connector that is right on paper is worth a network round trip to its provider.
        if (!diagnostics.HasProblems && Probe is not null && await Probe(connector, cancellationToken) is { } problem)
        {
            diagnostics.ReportWithoutPosition(problem.Place, problem.Problem, "check the URL and that auth can reach the identity provider");
        }

        diagnostics.ThrowIfAny($"{connector.ResourceKind} connector \"{connector.Metadata.Name}\"");
    }

    private ResourceStore<IAuthConnector> Store(string kind) =>
        _stores.TryGetValue(kind, out var store)
            ? store
            : throw FerryException.BadParameter($"unknown connector kind \"{kind}\"; use one of: {string.Join(", ", ResourceKinds.Connectors)}");

    private static string CreatedEvent(string kind) => kind switch
    {
        ResourceKinds.Github => EventTypes.GithubConnectorCreate,
        ResourceKinds.Oidc => EventTypes.OidcConnectorCreate,
        _ => EventTypes.SamlConnectorCreate,
    };

    private static string UpdatedEvent(string kind) => kind switch
    {
        ResourceKinds.Github => EventTypes.GithubConnectorUpdate,
        ResourceKinds.Oidc => EventTypes.OidcConnectorUpdate,
        _ => EventTypes.SamlConnectorUpdate,
    };

    private static string DeletedEvent(string kind) => kind switch
    {
        ResourceKinds.Github => EventTypes.GithubConnectorDelete,
        ResourceKinds.Oidc => EventTypes.OidcConnectorDelete,
        _ => EventTypes.SamlConnectorDelete,
    };
}
