using System.Text.RegularExpressions;
using Ferry.Core.Rbac;

namespace Ferry.Core.Sso;

/// <summary>
/// One mapping of a connector applied to one value the identity provider sent: a literal, a glob (each <c>*</c>
/// captures, as in Teleport) or a <c>^regex$</c> (RE2-like, linear time), and roles that may copy a captured part with
/// <c>$1</c> or <c>${1}</c>. The rules match what the connector readers check at <c>tctl create</c> time
/// (src/Ferry.Core/Resources/Codec/ConnectorMappings.cs).
/// </summary>
public static partial class ConnectorRoleMatch
{
    /// <summary>The roles the mapping gives for <paramref name="value"/>, or null when it does not match.</summary>
    public static IReadOnlyList<string>? Apply(string pattern, string value, IReadOnlyList<string> roles)
    {
        Match match;
        try
        {
            var regex = LabelMatcher.IsRegex(pattern) ? LabelMatcher.CompileRegex(pattern) : GlobRegex(pattern);
            match = regex.Match(value);
        }
        catch (Exception e) when (e is ArgumentException or RegexMatchTimeoutException)
        {
            return null; // a pattern the reader let through cannot match anything here; fail closed
        }

        if (!match.Success)
        {
            return null;
        }

        return roles.Select(role => Expansion().Replace(role, m =>
        {
            var group = int.Parse(m.Groups["n"].Value, System.Globalization.CultureInfo.InvariantCulture);
            return group < match.Groups.Count ? match.Groups[group].Value : "";
        })).ToList();
    }

    private static Regex GlobRegex(string glob) => new(
        "^" + Regex.Escape(glob).Replace("\\*", "(.*)", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.Singleline,
        TimeSpan.FromMilliseconds(100));

    [GeneratedRegex(@"\$(?:(?<n>[0-9]+)|\{(?<n>[0-9]+)\})")]
    private static partial Regex Expansion();
}
