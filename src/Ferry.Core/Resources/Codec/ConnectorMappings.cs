using System.Text.RegularExpressions;
using Ferry.Core.Rbac;
using Ferry.Core.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// The mapping lists of connectors (<c>teams_to_roles</c>, <c>claims_to_roles</c>, <c>attributes_to_roles</c>): each
/// item's match value and roles. Values are literal, globs (<c>*</c>, <c>?</c>) or <c>^regex$</c> as in role labels
/// (<see cref="LabelMatcher"/>); OIDC and SAML roles may copy a captured part of the value with <c>$1</c> or <c>${1}</c>,
/// where each <c>*</c> of a glob captures as in Teleport.
/// </summary>
internal static partial class ConnectorMappings
{
    /// <summary>Reads every item of <paramref name="key"/>; a connector without one could never grant a role, so that is reported.</summary>
    public static List<T> Read<T>(YamlMap spec, string key, string example, Func<YamlMap, T> readItem)
    {
        var result = new List<T>();
        var items = spec.List(key);
        if (spec.Get(key) is null || items is { Count: 0 })
        {
            spec.Report(key, $"a connector needs at least one mapping in {key}, or it grants no role", $"e.g. {key}: [{example}]");
        }
        foreach (var (node, path) in items ?? [])
        {
            if (YamlMap.From(node, path, spec.Diagnostics) is { } item)
            {
                result.Add(readItem(item));
            }
        }
        return result;
    }

    /// <summary>A required, non-empty string (an organisation, team, claim or attribute name).</summary>
    public static string Name(YamlMap item, string key)
    {
        var value = item.String(key, required: true);
        if (value is { Length: 0 })
        {
            item.Report(key, "must not be empty");
        }
        return value ?? "";
    }

    /// <summary>
    /// The value to match, and how many groups it captures for <c>$N</c> in roles (null when it is not valid, so the
    /// roles are not checked against it).
    /// </summary>
    public static (string Value, int? Groups) Value(YamlMap item, string key)
    {
        var value = item.String(key, required: true);
        if (value is null)
        {
            return ("", null);
        }
        if (value.Length == 0)
        {
            item.Report(key, "must not be empty", "use '*' to match any value");
            return (value, null);
        }
        if (!LabelMatcher.IsRegex(value))
        {
            return (value, value.Count(c => c == '*'));
        }
        try
        {
            return (value, LabelMatcher.CompileRegex(value).GetGroupNumbers().Length - 1);
        }
        catch (ArgumentException ex)
        {
            item.Report(key, $"invalid regular expression \"{value}\": {ex.Message}",
                "values written ^...$ are regular expressions (RE2 syntax); use a glob like \"admins-*\" or fix the expression");
            return (value, null);
        }
    }

    /// <summary>
    /// The roles of one mapping: at least one, each a valid role name; with <paramref name="groups"/> (OIDC, SAML) a
    /// role may hold <c>$N</c>, which must name a group the value captures.
    /// </summary>
    public static IReadOnlyList<string> Roles(YamlMap item, string key, bool expansions, int? groups)
    {
        var roles = item.StringList(key, allowSingle: false);
        if (item.Get(key) is null || roles is { Count: 0 })
        {
            item.Report(key, "a mapping needs at least one role", "e.g. roles: [access]");
        }
        for (var i = 0; i < (roles?.Count ?? 0); i++)
        {
            CheckRole(item, key, i, roles![i], expansions, groups);
        }
        return roles ?? [];
    }

    private static void CheckRole(YamlMap item, string key, int index, string role, bool expansions, int? groups)
    {
        var mark = ItemMark(item, key, index);
        var path = YamlPath.Index(item.PathOf(key), index);
        var references = Expansion().Matches(role);
        if (expansions && references.Count > 0)
        {
            foreach (Match reference in references)
            {
                var group = int.Parse(reference.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
                if (groups is { } captured && group > captured)
                {
                    item.Diagnostics.Report(mark, path,
                        $"role \"{role}\" uses ${group}, but the value captures {(captured == 0 ? "nothing" : $"only {captured} group{(captured == 1 ? "" : "s")}")}",
                        "capture the part to copy, e.g. value: '^team-(.*)$' with roles: ['$1-access'] (or a glob: value: 'team-*')");
                }
            }
        }
        var literal = expansions ? Expansion().Replace(role, "x") : role;
        if (ResourceNames.CheckRoleName(literal) is { } error)
        {
            var hint = !expansions && role.Contains('$', StringComparison.Ordinal)
                ? "GitHub team mappings name roles literally; $1 is for OIDC claims and SAML attributes matched by a pattern"
                : error.Hint;
            item.Diagnostics.Report(mark, path, $"invalid role name \"{role}\"", hint);
        }
    }

    /// <summary>The line of the list item itself when it can be found, else the key's.</summary>
    private static Mark ItemMark(YamlMap item, string key, int index) =>
        item.Get(key) is YamlSequenceNode seq && index < seq.Children.Count ? seq.Children[index].Start : item.MarkOf(key);

    /// <summary>$1 or ${1}, as Go's regexp.Expand (which Teleport uses) writes a numbered group.</summary>
    [GeneratedRegex(@"\$(?:(?<n>[0-9]+)|\{(?<n>[0-9]+)\})")]
    private static partial Regex Expansion();
}
