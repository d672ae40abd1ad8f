using System.Diagnostics.CodeAnalysis;
using Ferry.Core.Errors;

namespace Ferry.Core.Rbac;

/// <summary>
/// A role value that may hold one <c>{{...}}</c> template with literal text around it, e.g.
/// <c>{{internal.aws_role_arns}}</c> or <c>arn:aws:iam::123456789012:role/{{internal.team}}-ro</c>.
/// Applying it to a user's traits yields one value per trait value (docs/aws-access.md §4 "Templates").
/// </summary>
public sealed class TraitTemplate
{
    private readonly string _prefix;
    private readonly string _suffix;
    private readonly TemplateExpression? _expression;

    private TraitTemplate(string prefix, TemplateExpression? expression, string suffix)
    {
        _prefix = prefix;
        _expression = expression;
        _suffix = suffix;
    }

    public bool IsLiteral => _expression is null;

    /// <summary>True when the value contains template braces and so must parse as a template.</summary>
    public static bool IsTemplate(string value) =>
        value.Contains("{{", StringComparison.Ordinal) || value.Contains("}}", StringComparison.Ordinal);

    public static TraitTemplate Parse(string value)
    {
        if (TryParse(value, out var template, out var error))
        {
            return template;
        }
        throw FerryException.BadParameter(error);
    }

    public static bool TryParse(string value, [NotNullWhen(true)] out TraitTemplate? template, out string error)
    {
        template = null;
        error = "";
        if (!IsTemplate(value))
        {
            template = new TraitTemplate(value, null, "");
            return true;
        }
        var open = value.IndexOf("{{", StringComparison.Ordinal);
        var close = value.IndexOf("}}", StringComparison.Ordinal);
        if (open < 0 || close < open)
        {
            error = $"template \"{value}\" has unbalanced braces; write {{{{internal.NAME}}}} or {{{{external.NAME}}}}";
            return false;
        }
        var suffix = value[(close + 2)..];
        if (IsTemplate(suffix))
        {
            error = $"template \"{value}\" has more than one {{{{...}}}} expression; use one per value";
            return false;
        }
        try
        {
            var expression = TemplateParser.Parse(value[(open + 2)..close]);
            template = new TraitTemplate(value[..open], expression, suffix);
            return true;
        }
        catch (FormatException ex)
        {
            error = $"invalid template \"{value}\": {ex.Message}";
            return false;
        }
    }

    public IReadOnlyList<string> Apply(
        IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits)
    {
        if (_expression is null)
        {
            return [_prefix];
        }
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in _expression.Evaluate(internalTraits, externalTraits))
        {
            // An empty trait value would turn "{{internal.x}}" into "" (or a bare prefix): never a useful grant.
            if (value.Length == 0)
            {
                continue;
            }
            var full = _prefix + value + _suffix;
            if (seen.Add(full))
            {
                result.Add(full);
            }
        }
        return result;
    }

    /// <summary>
    /// Expands one role value. Literals come back as themselves; a missing trait gives nothing; multi-valued traits give
    /// several values; an invalid template (which validation rejects on write) gives nothing rather than a grant.
    /// </summary>
    public static IReadOnlyList<string> Apply(
        string value,
        IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits) =>
        TryParse(value, out var template, out _) ? template.Apply(internalTraits, externalTraits) : [];

    /// <summary>Expands a list of role values and de-duplicates the result, keeping first-seen order.</summary>
    public static IReadOnlyList<string> ApplyAll(
        IEnumerable<string> values,
        IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits)
    {
        var result = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            foreach (var expanded in Apply(value, internalTraits, externalTraits))
            {
                if (seen.Add(expanded))
                {
                    result.Add(expanded);
                }
            }
        }
        return result;
    }
}
