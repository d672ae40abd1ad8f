using System.Text.Json;

namespace Ferry.Core.Resources;

/// <summary>A <c>kind: role</c> resource (versions v5, v6, v7 accepted; see docs/resources.md).</summary>
public sealed record Role : IResource
{
    public const string Kind = ResourceKinds.Role;
    public static readonly IReadOnlyList<string> SupportedVersions = ["v5", "v6", "v7"];

    public string Version { get; init; } = "v7";
    public required ResourceMetadata Metadata { get; init; }
    public RoleSpec Spec { get; init; } = new();

    public string Name => Metadata.Name;

    string IResource.ResourceKind => Kind;
}

public sealed record RoleSpec
{
    public RoleOptions Options { get; init; } = new();
    public RoleConditions Allow { get; init; } = new();
    public RoleConditions Deny { get; init; } = new();
}

public sealed record RoleOptions
{
    /// <summary>Caps every certificate issued to a holder of this role. Null means the default (12h).</summary>
    public TimeSpan? MaxSessionTtl { get; init; }

    /// <summary>Teleport option keys Ferry accepts and keeps but does not enforce (e.g. forward_agent).</summary>
    public IReadOnlyDictionary<string, JsonElement> Extra { get; init; } = new Dictionary<string, JsonElement>();
}

/// <summary>The allow or deny half of a role.</summary>
public sealed record RoleConditions
{
    /// <summary>Label key → accepted values: '*' matches anything, globs, or regexes written ^...$.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> AppLabels { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>IAM role ARNs or templates such as {{internal.aws_role_arns}}.</summary>
    public IReadOnlyList<string> AwsRoleArns { get; init; } = [];

    /// <summary>Permissions on cluster resources (what tctl may do).</summary>
    public IReadOnlyList<RoleRule> Rules { get; init; } = [];

    /// <summary>Teleport condition keys Ferry accepts and keeps but does not enforce (logins, node_labels, ...).</summary>
    public IReadOnlyDictionary<string, JsonElement> Extra { get; init; } = new Dictionary<string, JsonElement>();
}

public sealed record RoleRule
{
    public IReadOnlyList<string> Resources { get; init; } = [];
    public IReadOnlyList<string> Verbs { get; init; } = [];

    /// <summary>
    /// Teleport's rule predicate. Kept for round trips but not evaluated, so it fails closed: an allow rule with a
    /// where clause grants nothing; a deny rule with one denies unconditionally.
    /// </summary>
    public string? Where { get; init; }

    /// <summary>Teleport rule actions (e.g. log). Kept, not run.</summary>
    public IReadOnlyList<string> Actions { get; init; } = [];
}
