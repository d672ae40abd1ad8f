using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ferry.Core.Yaml;

/// <summary>
/// Conversions between YAML nodes and JSON. Resources have one canonical tree (JSON nodes, snake_case); YAML output
/// is that tree emitted as YAML, and JSON input is turned into YAML nodes so the one strict reader serves both formats.
/// </summary>
public static class YamlJson
{
    /// <summary>A YAML value as JSON, typing plain scalars the YAML 1.1 way (bools, numbers, null); quoted ones stay strings.</summary>
    public static JsonElement ToJsonElement(YamlNode node) =>
        JsonSerializer.SerializeToElement(ToJsonNode(node), JsonContext.Default.JsonNode);

    public static JsonNode? ToJsonNode(YamlNode node)
    {
        switch (node)
        {
            case YamlMappingNode map:
                var obj = new JsonObject();
                foreach (var (k, v) in map.Children)
                {
                    obj[((YamlScalarNode)k).Value ?? ""] = ToJsonNode(v);
                }
                return obj;
            case YamlSequenceNode seq:
                return new JsonArray(seq.Children.Select(ToJsonNode).ToArray());
            case YamlScalarNode scalar when scalar.Style is ScalarStyle.Plain or ScalarStyle.Any:
                var text = scalar.Value ?? "";
                if (YamlScalars.IsNullText(text))
                {
                    return null;
                }
                if (text is "true" or "false" or "True" or "False" or "TRUE" or "FALSE" or "yes" or "no" or "Yes" or "No" or "on" or "off" or "On" or "Off"
                    && YamlScalars.TryParseBool(text, out var b))
                {
                    return JsonValue.Create(b);
                }
                if (YamlScalars.LooksLikeInteger(text) && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l))
                {
                    return JsonValue.Create(l);
                }
                if (YamlScalars.LooksLikeFloat(text) && YamlScalars.TryParseNumber(text, out var d) && double.IsFinite(d))
                {
                    return JsonValue.Create(d);
                }
                return JsonValue.Create(text);
            case YamlScalarNode scalar:
                return JsonValue.Create(scalar.Value ?? "");
            default:
                return null;
        }
    }

    /// <summary>
    /// JSON as YAML nodes for the strict reader: strings become double-quoted scalars (so "true" stays a string),
    /// numbers, bools and null plain ones. Duplicate object keys throw <see cref="JsonException"/>.
    /// </summary>
    public static YamlNode ToYamlNode(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var map = new YamlMappingNode();
                foreach (var property in element.EnumerateObject())
                {
                    var key = new YamlScalarNode(property.Name) { Style = ScalarStyle.DoubleQuoted };
                    if (map.Children.ContainsKey(key))
                    {
                        throw new JsonException($"duplicate key \"{property.Name}\"");
                    }
                    map.Add(key, ToYamlNode(property.Value));
                }
                return map;
            case JsonValueKind.Array:
                return new YamlSequenceNode(element.EnumerateArray().Select(ToYamlNode));
            case JsonValueKind.String:
                return new YamlScalarNode(element.GetString()) { Style = ScalarStyle.DoubleQuoted };
            case JsonValueKind.True:
                return new YamlScalarNode("true") { Style = ScalarStyle.Plain };
            case JsonValueKind.False:
                return new YamlScalarNode("false") { Style = ScalarStyle.Plain };
            case JsonValueKind.Number:
                return new YamlScalarNode(element.GetRawText()) { Style = ScalarStyle.Plain };
            default:
                return new YamlScalarNode("null") { Style = ScalarStyle.Plain };
        }
    }
}
