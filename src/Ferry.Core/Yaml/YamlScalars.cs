using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ferry.Core.Yaml;

/// <summary>
/// How plain (unquoted) scalars are typed. Teleport reads YAML through Go's yaml.v2 (YAML 1.1), so yes/no/on/off are
/// booleans there; Ferry accepts the same forms so that copied Teleport files mean the same thing.
/// </summary>
public static partial class YamlScalars
{
    public static bool IsNull(YamlNode? node) =>
        node is null || node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } s && IsNullText(s.Value);

    public static bool IsNullText(string? text) => text is null or "" or "~" or "null" or "Null" or "NULL";

    public static bool TryParseBool(string? text, out bool value)
    {
        switch (text?.ToLowerInvariant())
        {
            case "true" or "yes" or "on" or "y":
                value = true;
                return true;
            case "false" or "no" or "off" or "n":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    public static bool LooksLikeInteger(string text) => IntegerPattern().IsMatch(text);

    public static bool LooksLikeFloat(string text) => FloatPattern().IsMatch(text);

    /// <summary>
    /// True when a string written unquoted would be read back as something other than that string (a bool, number,
    /// null or timestamp) by a YAML 1.1 reader, so the writer must quote it.
    /// </summary>
    public static bool NeedsQuotes(string text) =>
        IsNullText(text) || TryParseBool(text, out _) || LooksLikeInteger(text) || LooksLikeFloat(text) ||
        TimestampPattern().IsMatch(text) || text.Trim() != text;

    /// <summary>A short name for a node's shape, for "expected X, got Y" messages.</summary>
    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        YamlScalarNode s when IsNull(s) => "an empty value",
        YamlScalarNode s => $"\"{Truncate(s.Value ?? "")}\"",
        _ => "an alias",
    };

    internal static string Truncate(string text) => text.Length <= 60 ? text : text[..57] + "...";

    internal static bool TryParseNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    [GeneratedRegex(@"^[-+]?(0|[1-9][0-9_]*|0x[0-9a-fA-F_]+|0o?[0-7_]+)$")]
    private static partial Regex IntegerPattern();

    [GeneratedRegex(@"^[-+]?(\.[0-9]+|[0-9][0-9_]*(\.[0-9_]*)?)([eE][-+]?[0-9]+)?$|^[-+]?\.(inf|Inf|INF)$|^\.(nan|NaN|NAN)$")]
    private static partial Regex FloatPattern();

    [GeneratedRegex(@"^\d{4}-\d{1,2}-\d{1,2}")]
    private static partial Regex TimestampPattern();
}
