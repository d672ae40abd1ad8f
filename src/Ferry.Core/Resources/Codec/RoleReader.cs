using Ferry.Core.Rbac;
using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>Reads and validates <c>kind: role</c>.</summary>
internal static class RoleReader
{
    private static readonly IReadOnlyList<string> RuleResources =
    [
        ResourceKinds.Role, ResourceKinds.User, ResourceKinds.Token, ResourceKinds.Lock, ResourceKinds.App, ResourceKinds.AppServer,
        ResourceKinds.Event, ResourceKinds.Session, ResourceKinds.ClusterAuthPreference,
        ResourceKinds.Github, ResourceKinds.Oidc, ResourceKinds.Saml,
    ];

    private static readonly IReadOnlyList<string> RuleVerbs =
        [Verbs.List, Verbs.Read, Verbs.Create, Verbs.Update, Verbs.Delete];

    public static Role Read(YamlMap map, string? version)
    {
        ResourceReader.CheckVersion(map, ResourceKinds.Role, version, Role.SupportedVersions);
        var metadata = ResourceReader.ReadMetadata(map, ResourceNames.CheckRoleName);
        var spec = map.Map("spec");
        var roleSpec = new RoleSpec();
        if (spec is not null)
        {
            roleSpec = new RoleSpec
            {
                Options = ReadOptions(spec.Map("options")),
                Allow = ReadConditions(spec.Map("allow")),
                Deny = ReadConditions(spec.Map("deny")),
            };
            spec.Finish();
        }
        return new Role { Version = version ?? Role.SupportedVersions[^1], Metadata = metadata, Spec = roleSpec };
    }

    private static RoleOptions ReadOptions(YamlMap? map)
    {
        if (map is null)
        {
            return new RoleOptions();
        }
        var ttl = map.Duration(RoleKeys.MaxSessionTtl);
        if (ttl is { } t && t <= TimeSpan.Zero)
        {
            map.Report(RoleKeys.MaxSessionTtl, "max_session_ttl must be positive", "e.g. 8h or 12h");
        }
        var options = new RoleOptions { MaxSessionTtl = ttl, Extra = map.Extras(RoleKeys.AcceptedOptionKeys) };
        map.Finish();
        return options;
    }

    private static RoleConditions ReadConditions(YamlMap? map)
    {
        if (map is null)
        {
            return new RoleConditions();
        }
        var labels = map.StringListMap(RoleKeys.AppLabels) ?? new Dictionary<string, IReadOnlyList<string>>();
        ValidateLabels(map, labels);
        var arns = map.StringList(RoleKeys.AwsRoleArns) ?? [];
        for (var i = 0; i < arns.Count; i++)
        {
            var error = TraitTemplate.IsTemplate(arns[i])
                ? (TraitTemplate.TryParse(arns[i], out _, out var templateError) ? null : templateError)
                : AwsArn.Validate(arns[i]);
            if (error is not null)
            {
                map.Diagnostics.Report(map.Get(RoleKeys.AwsRoleArns) is YamlDotNet.RepresentationModel.YamlSequenceNode seq ? seq.Children[i] : null,
                    YamlPath.Index(map.PathOf(RoleKeys.AwsRoleArns), i), error,
                    "use a full role ARN or a template such as {{internal.aws_role_arns}}");
            }
        }
        var rules = new List<RoleRule>();
        foreach (var (node, path) in map.List(RoleKeys.Rules) ?? [])
        {
            if (YamlMap.From(node, path, map.Diagnostics) is { } ruleMap)
            {
                rules.Add(ReadRule(ruleMap));
            }
        }
        var conditions = new RoleConditions
        {
            AppLabels = labels,
            AwsRoleArns = arns,
            Rules = rules,
            Extra = map.Extras(RoleKeys.AcceptedConditionKeys),
        };
        map.Finish();
        return conditions;
    }

    private static void ValidateLabels(YamlMap map, IReadOnlyDictionary<string, IReadOnlyList<string>> labels)
    {
        foreach (var (key, values) in labels)
        {
            var path = YamlPath.Child(map.PathOf(RoleKeys.AppLabels), key);
            // Point at the label's own line when it can be found, else at app_labels.
            var mark = map.Get(RoleKeys.AppLabels) is YamlDotNet.RepresentationModel.YamlMappingNode labelNode
                && labelNode.Children.FirstOrDefault(kv => (kv.Key as YamlDotNet.RepresentationModel.YamlScalarNode)?.Value == key) is { Key: not null } entry
                ? entry.Key.Start
                : map.MarkOf(RoleKeys.AppLabels);
            if (key.Length == 0)
            {
                map.Diagnostics.Report(mark, path, "label keys must not be empty");
            }
            if (key == LabelMatcher.Wildcard && (values.Count != 1 || values[0] != LabelMatcher.Wildcard))
            {
                map.Diagnostics.Report(mark, path, "a wildcard label key may only be used with a wildcard value", "write '*': '*' to match every app");
            }
            foreach (var value in values)
            {
                if (TraitTemplate.IsTemplate(value))
                {
                    if (!TraitTemplate.TryParse(value, out _, out var templateError))
                    {
                        map.Diagnostics.Report(mark, path, templateError);
                    }
                }
                else if (LabelMatcher.ValidateValue(value) is { } regexError)
                {
                    map.Diagnostics.Report(mark, path, $"invalid regular expression \"{value}\": {regexError}",
                        "values written ^...$ are regular expressions; use a glob like \"dev-*\" or fix the expression");
                }
            }
        }
    }

    private static RoleRule ReadRule(YamlMap map)
    {
        var resources = map.StringList("resources") ?? [];
        var verbs = map.StringList("verbs") ?? [];
        if (!map.Has("resources") || resources.Count == 0)
        {
            map.Report("resources", "a rule needs at least one resource", $"e.g. resources: [role] (known: {string.Join(", ", RuleResources)}, *)");
        }
        if (!map.Has("verbs") || verbs.Count == 0)
        {
            map.Report("verbs", "a rule needs at least one verb", "e.g. verbs: [list, read]");
        }
        foreach (var resource in resources.Where(r => r != Verbs.Wildcard && !RuleResources.Contains(r)))
        {
            map.Report("resources", $"unknown resource kind \"{resource}\"", Suggestions.Hint(resource, [.. RuleResources, Verbs.Wildcard], "known kinds are"));
        }
        foreach (var verb in verbs.Where(v => v != Verbs.Wildcard && !RuleVerbs.Contains(v)))
        {
            map.Report("verbs", $"unknown verb \"{verb}\"", Suggestions.Hint(verb, [.. RuleVerbs, Verbs.Wildcard], "known verbs are"));
        }
        var rule = new RoleRule
        {
            Resources = resources,
            Verbs = verbs,
            Where = map.String("where"),
            Actions = map.StringList("actions") ?? [],
        };
        map.Finish();
        return rule;
    }
}
