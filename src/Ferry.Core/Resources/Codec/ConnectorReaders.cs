using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>What the three connector readers share: a required spec, and Teleport's empty strings meaning "unset".</summary>
internal static class ConnectorReaders
{
    /// <summary>The spec; null when it is absent (reported once, rather than each key it lacks) or not a mapping.</summary>
    public static YamlMap? Spec(YamlMap map, string requiredKeys)
    {
        if (!map.Has("spec"))
        {
            map.Report("spec", "missing required key", $"add spec: with {requiredKeys}");
            return null;
        }
        return map.Map("spec");
    }

    public static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
