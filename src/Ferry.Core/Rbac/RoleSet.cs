using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Core.Rbac;

/// <summary>
/// The roles of one user, with their templates expanded against the user's traits once, answering every access
/// question in docs/aws-access.md §4. Deny always wins over allow.
/// <para>
/// Keys Ferry keeps but cannot evaluate fail closed: a role with <c>app_labels_expression</c> grants no app through
/// that allow block and denies every app through that deny block; an allow rule with <c>where</c> grants nothing and
/// a deny rule with <c>where</c> denies unconditionally.
/// </para>
/// </summary>
public sealed class RoleSet
{
    /// <summary>Session length when no role sets <c>options.max_session_ttl</c>.</summary>
    public static readonly TimeSpan DefaultMaxSessionTtl = TimeSpan.FromHours(12);

    /// <summary>The app label that restricts which AWS account's role ARNs an app offers.</summary>
    public const string AwsAccountIdLabel = "aws_account_id";

    private static readonly IReadOnlyDictionary<string, IReadOnlyList<string>> NoTraits = new Dictionary<string, IReadOnlyList<string>>();

    private readonly List<ExpandedRole> _roles;

    public RoleSet(
        IEnumerable<Role> roles,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>>? externalTraits = null)
    {
        Roles = roles.ToList();
        // As in Teleport, {{external.NAME}} reads the user's traits too when no separate map is given: an SSO user's traits
        // are what the identity provider said (docs/sso.md), a local user's are what an administrator set.
        _roles = Roles.Select(r => new ExpandedRole(r, internalTraits ?? NoTraits, externalTraits ?? internalTraits ?? NoTraits)).ToList();
        MaxSessionTtl = Roles.Count == 0
            ? DefaultMaxSessionTtl
            : Roles.Min(r => r.Spec.Options.MaxSessionTtl is { } ttl && ttl > TimeSpan.Zero ? ttl : DefaultMaxSessionTtl);
    }

    /// <summary>The roles of a local user, templated with the user's (internal) traits.</summary>
    public static RoleSet ForUser(User user, IEnumerable<Role> roles) => new(roles, user.Spec.Traits);

    public IReadOnlyList<Role> Roles { get; }

    public IEnumerable<string> RoleNames => Roles.Select(r => r.Name);

    /// <summary>The shortest <c>max_session_ttl</c> of the roles (a role without one counts as 12h).</summary>
    public TimeSpan MaxSessionTtl { get; }

    /// <summary>The TTL to grant for a request: the requested one capped at <see cref="MaxSessionTtl"/>; zero or less means the cap.</summary>
    public TimeSpan AdjustSessionTtl(TimeSpan requested) =>
        requested <= TimeSpan.Zero || requested > MaxSessionTtl ? MaxSessionTtl : requested;

    /// <summary>Whether the user may use <paramref name="awsRoleArn"/> on <paramref name="app"/>.</summary>
    public AccessDecision CheckAppAccess(App app, string awsRoleArn)
    {
        if (!AwsArn.TryParseRole(awsRoleArn, out _))
        {
            return AccessDecision.Deny($"\"{awsRoleArn}\" is not a valid IAM role ARN");
        }
        var labels = app.Metadata.Labels;
        foreach (var role in _roles)
        {
            if (role.DenyMatchesApp(labels))
            {
                return AccessDecision.Deny($"role \"{role.Name}\" denies app \"{app.Name}\"");
            }
        }
        foreach (var role in _roles)
        {
            if (role.DenyArns.Contains(awsRoleArn))
            {
                return AccessDecision.Deny($"role \"{role.Name}\" denies AWS role \"{awsRoleArn}\"");
            }
        }
        foreach (var role in _roles)
        {
            if (role.AllowMatchesApp(labels) && role.AllowArns.Contains(awsRoleArn))
            {
                return AccessDecision.Allow($"role \"{role.Name}\" allows AWS role \"{awsRoleArn}\" on app \"{app.Name}\"");
            }
        }
        return AccessDecision.Deny($"no role of the user allows AWS role \"{awsRoleArn}\" on app \"{app.Name}\" (roles: {string.Join(", ", RoleNames)})");
    }

    /// <summary>Whether the app is listed for the user: some allow labels match and no deny labels do.</summary>
    public bool CanSeeApp(App app)
    {
        var labels = app.Metadata.Labels;
        return !_roles.Any(r => r.DenyMatchesApp(labels)) && _roles.Any(r => r.AllowMatchesApp(labels));
    }

    /// <summary>
    /// The AWS role ARNs the user may pick for <paramref name="app"/>, sorted: the union of allow ARNs of roles whose
    /// labels match, minus denied ones, each re-checked; invalid ARNs are skipped; only the account in the app's
    /// <c>aws_account_id</c> label when it has one.
    /// </summary>
    public IReadOnlyList<string> AllowedAwsRoleArns(App app)
    {
        var labels = app.Metadata.Labels;
        labels.TryGetValue(AwsAccountIdLabel, out var accountFilter);
        var candidates = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var role in _roles.Where(r => r.AllowMatchesApp(labels)))
        {
            candidates.UnionWith(role.AllowArns);
        }
        var result = new List<string>();
        foreach (var arn in candidates)
        {
            if (!AwsArn.TryParseRole(arn, out var parsed))
            {
                continue;
            }
            if (!string.IsNullOrEmpty(accountFilter) && parsed.AccountId != accountFilter)
            {
                continue;
            }
            if (CheckAppAccess(app, arn).Allowed)
            {
                result.Add(arn);
            }
        }
        return result;
    }

    /// <summary>Whether the user may perform <paramref name="verb"/> on resources of <paramref name="resourceKind"/>.</summary>
    public bool CheckAccessToRule(string resourceKind, string verb) => CheckRule(resourceKind, verb).Allowed;

    public AccessDecision CheckRule(string resourceKind, string verb)
    {
        foreach (var role in Roles)
        {
            // A deny rule with a where clause cannot be evaluated here, so it applies unconditionally (fail closed).
            if (role.Spec.Deny.Rules.Any(rule => RuleMatches(rule, resourceKind, verb)))
            {
                return AccessDecision.Deny($"role \"{role.Name}\" denies {verb} on {resourceKind}");
            }
        }
        foreach (var role in Roles)
        {
            if (role.Spec.Allow.Rules.Any(rule => rule.Where is null && RuleMatches(rule, resourceKind, verb)))
            {
                return AccessDecision.Allow($"role \"{role.Name}\" allows {verb} on {resourceKind}");
            }
        }
        return AccessDecision.Deny($"no role of the user allows {verb} on {resourceKind}");
    }

    private static bool RuleMatches(RoleRule rule, string resourceKind, string verb) =>
        (rule.Resources.Contains(Verbs.Wildcard) || rule.Resources.Contains(resourceKind)) &&
        (rule.Verbs.Contains(Verbs.Wildcard) || rule.Verbs.Contains(verb));

    /// <summary>A role with its label values and ARNs expanded for one user.</summary>
    private sealed class ExpandedRole
    {
        private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _allowLabels;
        private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _denyLabels;
        private readonly bool _allowHasExpression;
        private readonly bool _denyHasExpression;

        public ExpandedRole(
            Role role,
            IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
            IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits)
        {
            Name = role.Name;
            _allowLabels = ExpandLabels(role.Spec.Allow.AppLabels, internalTraits, externalTraits);
            _denyLabels = ExpandLabels(role.Spec.Deny.AppLabels, internalTraits, externalTraits);
            AllowArns = TraitTemplate.ApplyAll(role.Spec.Allow.AwsRoleArns, internalTraits, externalTraits).ToHashSet(StringComparer.Ordinal);
            DenyArns = TraitTemplate.ApplyAll(role.Spec.Deny.AwsRoleArns, internalTraits, externalTraits).ToHashSet(StringComparer.Ordinal);
            _allowHasExpression = role.Spec.Allow.Extra.ContainsKey(RoleKeys.AppLabelsExpression);
            _denyHasExpression = role.Spec.Deny.Extra.ContainsKey(RoleKeys.AppLabelsExpression);
        }

        public string Name { get; }
        public HashSet<string> AllowArns { get; }
        public HashSet<string> DenyArns { get; }

        public bool AllowMatchesApp(IReadOnlyDictionary<string, string> labels) =>
            !_allowHasExpression && LabelMatcher.Matches(_allowLabels, labels, resultOnTimeout: false);

        public bool DenyMatchesApp(IReadOnlyDictionary<string, string> labels) =>
            _denyHasExpression || LabelMatcher.Matches(_denyLabels, labels, resultOnTimeout: true);

        private static IReadOnlyDictionary<string, IReadOnlyList<string>> ExpandLabels(
            IReadOnlyDictionary<string, IReadOnlyList<string>> selector,
            IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
            IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits) =>
            selector.ToDictionary(kv => kv.Key, kv => TraitTemplate.ApplyAll(kv.Value, internalTraits, externalTraits), StringComparer.Ordinal);
    }
}
