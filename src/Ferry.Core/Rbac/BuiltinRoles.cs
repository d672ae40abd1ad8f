using Ferry.Core.Resources;

namespace Ferry.Core.Rbac;

/// <summary>
/// Roles every new cluster starts with, named as in Teleport so the guide's user (roles access, auditor, editor) works.
/// All cap sessions at 12h, the longest AWS console federation allows (Teleport's presets use 30h; see docs/resources.md).
/// </summary>
public static class BuiltinRoles
{
    public const string AccessName = "access";
    public const string EditorName = "editor";
    public const string AuditorName = "auditor";

    /// <summary>The label that marks a role as shipped with Ferry (Teleport uses the same for its presets).</summary>
    public const string PresetLabel = "teleport.internal/resource-type";

    private static readonly TimeSpan SessionTtl = TimeSpan.FromHours(12);

    /// <summary>Any app, with the AWS roles listed in the user's <c>aws_role_arns</c> trait.</summary>
    public static Role Access { get; } = Preset(AccessName, "Access cluster resources", new RoleConditions
    {
        AppLabels = new Dictionary<string, IReadOnlyList<string>> { [LabelMatcher.Wildcard] = [LabelMatcher.Wildcard] },
        AwsRoleArns = ["{{internal.aws_role_arns}}"],
        Rules = [Rule([ResourceKinds.AppServer], Verbs.List, Verbs.Read)],
    });

    /// <summary>
    /// Manages the cluster's configuration (roles, users, tokens, locks, SSO connectors, auth preference) without app
    /// access. Like Teleport's editor it may manage github, oidc and saml connectors; access and auditor may not.
    /// </summary>
    public static Role Editor { get; } = Preset(EditorName, "Edit cluster configuration", new RoleConditions
    {
        Rules =
        [
            Rule(
                [
                    ResourceKinds.Role, ResourceKinds.User, ResourceKinds.Token, ResourceKinds.Lock, ResourceKinds.AppServer, ResourceKinds.ClusterAuthPreference, ResourceKinds.Session,
                    ResourceKinds.Github, ResourceKinds.Oidc, ResourceKinds.Saml,
                ],
                Verbs.List, Verbs.Read, Verbs.Create, Verbs.Update, Verbs.Delete),
            Rule([ResourceKinds.Event], Verbs.List, Verbs.Read),
        ],
    });

    /// <summary>Reads the audit log and session records.</summary>
    public static Role Auditor { get; } = Preset(AuditorName, "Review cluster events and sessions", new RoleConditions
    {
        Rules = [Rule([ResourceKinds.Event, ResourceKinds.Session], Verbs.List, Verbs.Read)],
    });

    public static IReadOnlyList<Role> All { get; } = [Access, Editor, Auditor];

    public static bool IsBuiltin(string roleName) => All.Any(r => r.Name == roleName);

    private static Role Preset(string name, string description, RoleConditions allow) => new()
    {
        Version = "v7",
        Metadata = new ResourceMetadata
        {
            Name = name,
            Description = description,
            Labels = new Dictionary<string, string> { [PresetLabel] = "preset" },
        },
        Spec = new RoleSpec { Options = new RoleOptions { MaxSessionTtl = SessionTtl }, Allow = allow },
    };

    private static RoleRule Rule(IReadOnlyList<string> resources, params string[] verbs) => new() { Resources = resources, Verbs = verbs };
}
