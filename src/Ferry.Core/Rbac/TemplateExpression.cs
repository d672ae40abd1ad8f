using System.Text.RegularExpressions;

namespace Ferry.Core.Rbac;

/// <summary>The inside of a <c>{{...}}</c> role template, evaluated to zero or more values.</summary>
internal abstract record TemplateExpression
{
    public abstract IEnumerable<string> Evaluate(
        IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits);
}

/// <summary><c>internal.NAME</c>, <c>external.NAME</c> or <c>internal["NAME"]</c>: a missing trait yields nothing.</summary>
internal sealed record TraitVariable(string Namespace, string Name) : TemplateExpression
{
    public override IEnumerable<string> Evaluate(
        IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits)
    {
        var traits = Namespace == TemplateParser.Internal ? internalTraits : externalTraits;
        return traits.TryGetValue(Name, out var values) ? values : [];
    }
}

/// <summary><c>email.local(x)</c>: the part before the @ of each value; values that are not addresses are dropped.</summary>
internal sealed record EmailLocal(TemplateExpression Argument) : TemplateExpression
{
    public override IEnumerable<string> Evaluate(
        IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits)
    {
        foreach (var value in Argument.Evaluate(internalTraits, externalTraits))
        {
            var address = value.Trim();
            // Accept "Name <local@domain>" as Go's mail.ParseAddress does.
            var open = address.LastIndexOf('<');
            if (open >= 0 && address.EndsWith('>'))
            {
                address = address[(open + 1)..^1];
            }
            var at = address.LastIndexOf('@');
            if (at > 0 && at < address.Length - 1)
            {
                yield return address[..at];
            }
        }
    }
}

/// <summary>
/// <c>regexp.replace(x, "re", "replacement")</c>: values the expression matches are rewritten (all matches, $1 groups);
/// values it does not match are dropped, as in Teleport.
/// </summary>
internal sealed record RegexpReplace(TemplateExpression Argument, Regex Pattern, string Replacement) : TemplateExpression
{
    public override IEnumerable<string> Evaluate(
        IReadOnlyDictionary<string, IReadOnlyList<string>> internalTraits,
        IReadOnlyDictionary<string, IReadOnlyList<string>> externalTraits)
    {
        foreach (var value in Argument.Evaluate(internalTraits, externalTraits))
        {
            string? replaced;
            try
            {
                replaced = Pattern.IsMatch(value) ? Pattern.Replace(value, Replacement) : null;
            }
            catch (RegexMatchTimeoutException)
            {
                replaced = null; // a runaway match grants nothing
            }
            if (replaced is not null)
            {
                yield return replaced;
            }
        }
    }
}
