using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Core.Time;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Builds the canonical snake_case tree of a resource, the one shape behind YAML output, JSON output and storage.
/// Keys are sorted (as Teleport's <c>tctl get</c> prints them); empty optional values are left out.
/// </summary>
internal static partial class ResourceTree
{
    public static JsonObject Build(IResource resource) => resource switch
    {
        Role role => Envelope(role, Role(role.Spec)),
        User user => Envelope(user, User(user.Spec)),
        ProvisionToken token => Envelope(token, Obj(
            ("app_names", token.Spec.AppNames.Count == 0 ? null : Strings(token.Spec.AppNames)),
            ("join_method", token.Spec.JoinMethod),
            ("roles", Strings(token.Spec.Roles)))),
        AccessLock @lock => Envelope(@lock, Obj(
            ("created_at", @lock.Spec.CreatedAt is { } at ? ResourceTime.Format(at) : null),
            ("created_by", Optional(@lock.Spec.CreatedBy)),
            ("expires", @lock.Spec.Expires is { } expires ? ResourceTime.Format(expires) : null),
            ("message", Optional(@lock.Spec.Message)),
            ("target", Obj(("role", Optional(@lock.Spec.Target.Role)), ("user", Optional(@lock.Spec.Target.User)))))),
        App app => Envelope(app, App(app.Spec)),
        GithubConnector github => Envelope(github, Github(github.Spec)),
        OidcConnector oidc => Envelope(oidc, Oidc(oidc.Spec)),
        SamlConnector saml => Envelope(saml, Saml(saml.Spec)),
        AppServer server => Envelope(server, Obj(
            ("app", Build(server.Spec.App)),
            ("host_id", Optional(server.Spec.HostId)),
            ("hostname", Optional(server.Spec.Hostname)),
            ("version", Optional(server.Spec.Version)))),
        _ => throw new ArgumentException($"unsupported resource type {resource.GetType().Name}", nameof(resource)),
    };

    private static JsonObject Envelope(IResource resource, JsonObject spec) => Obj(
        ("kind", resource.ResourceKind),
        ("metadata", Metadata(resource.Metadata)),
        ("spec", spec),
        ("version", resource.Version));

    private static JsonObject Metadata(ResourceMetadata m) => Obj(
        ("description", Optional(m.Description)),
        ("expires", m.Expires is { } e ? ResourceTime.Format(e) : null),
        ("labels", m.Labels.Count == 0 ? null : Obj(m.Labels.Select(kv => (kv.Key, (JsonNode?)kv.Value)))),
        ("name", m.Name),
        ("revision", Optional(m.Revision)));

    private static JsonObject Role(RoleSpec spec)
    {
        var options = Obj(spec.Options.Extra.Select(kv => (kv.Key, Clone(kv.Value)))
            .Append((RoleKeys.MaxSessionTtl, spec.Options.MaxSessionTtl is { } ttl ? GoDuration.Format(ttl) : null)));
        return Obj(
            ("allow", Conditions(spec.Allow)),
            ("deny", Conditions(spec.Deny)),
            ("options", options.Count == 0 ? null : options));
    }

    private static JsonObject Conditions(RoleConditions c) => Obj(c.Extra.Select(kv => (kv.Key, Clone(kv.Value))).Concat(
    [
        (RoleKeys.AppLabels, c.AppLabels.Count == 0 ? null : Obj(c.AppLabels.Select(kv => (kv.Key, (JsonNode?)LabelValues(kv.Value))))),
        (RoleKeys.AwsRoleArns, c.AwsRoleArns.Count == 0 ? null : Strings(c.AwsRoleArns)),
        (RoleKeys.Rules, c.Rules.Count == 0 ? null : new JsonArray(c.Rules.Select(r => (JsonNode)Obj(
            ("actions", r.Actions.Count == 0 ? null : Strings(r.Actions)),
            ("resources", Strings(r.Resources)),
            ("verbs", Strings(r.Verbs)),
            ("where", Optional(r.Where)))).ToArray())),
    ]));

    private static JsonObject User(UserSpec spec) => Obj(
        ("created_by", spec.CreatedBy is { } by ? Obj(
            ("connector", by.Connector is { } c ? Obj(("id", c.Id), ("identity", c.Identity), ("type", c.Type)) : null),
            ("time", ResourceTime.Format(by.Time)),
            ("user", Obj(("name", by.User)))) : null),
        ("roles", Strings(spec.Roles)),
        ("status", Obj(
            ("is_locked", spec.Status.IsLocked),
            ("lock_expires", spec.Status.LockExpires is { } le ? ResourceTime.Format(le) : null),
            ("locked_message", Optional(spec.Status.LockedMessage)),
            ("locked_time", spec.Status.LockedTime is { } lt ? ResourceTime.Format(lt) : null))),
        ("traits", spec.Traits.Count == 0 ? null : Obj(spec.Traits.Select(kv => (kv.Key, (JsonNode?)Strings(kv.Value))))));

    private static JsonObject App(AppSpec spec) => Obj(
        ("aws", spec.Aws is { } aws ? Obj(
            ("external_id", Optional(aws.ExternalId)),
            ("source_identity", aws.SourceIdentity ? true : null)) : null),
        ("cloud", Optional(spec.Cloud)),
        ("insecure_skip_verify", spec.InsecureSkipVerify ? true : null),
        ("public_addr", Optional(spec.PublicAddr)),
        ("uri", spec.Uri));

    /// <summary>One label value prints as a scalar, several as a list (both forms are accepted on input).</summary>
    private static JsonNode LabelValues(IReadOnlyList<string> values) =>
        values.Count == 1 ? JsonValue.Create(values[0]) : Strings(values);

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static JsonNode? Optional(string? value) => string.IsNullOrEmpty(value) ? null : JsonValue.Create(value);

    private static JsonNode? Clone(JsonElement element) => JsonNode.Parse(element.GetRawText());

    private static JsonObject Obj(params (string Key, JsonNode? Value)[] entries) => Obj((IEnumerable<(string, JsonNode?)>)entries);

    private static JsonObject Obj(IEnumerable<(string Key, JsonNode? Value)> entries)
    {
        var obj = new JsonObject();
        foreach (var (key, value) in entries.Where(e => e.Value is not null).OrderBy(e => e.Key, StringComparer.Ordinal))
        {
            obj[key] = value;
        }
        return obj;
    }
}
