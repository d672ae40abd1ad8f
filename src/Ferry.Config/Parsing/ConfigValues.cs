using Ferry.Core.Yaml;

namespace Ferry.Config.Parsing;

/// <summary>Typed config values on top of <see cref="YamlMap"/>: addresses, enums, "not supported yet" messages.</summary>
internal static class ConfigValues
{
    public static HostPort? Address(YamlMap map, string key, int defaultPort, bool listen)
    {
        var text = map.String(key);
        return text is null ? null : ParseAddress(map, key, text, defaultPort, listen);
    }

    public static HostPort? ParseAddress(YamlMap map, string key, string text, int defaultPort, bool listen, string? path = null)
    {
        var example = listen ? $"0.0.0.0:{defaultPort}" : $"teleport.example.com:{defaultPort}";
        if (!HostPort.TryParse(text, defaultPort, out var address, out var error))
        {
            map.Diagnostics.Report(map.MarkOf(key), path ?? map.PathOf(key), $"bad address: {error}", $"write host:port, e.g. {example}");
            return null;
        }
        if (!listen && address.Host.Length == 0)
        {
            map.Diagnostics.Report(map.MarkOf(key), path ?? map.PathOf(key), $"bad address \"{text}\": a host is required", $"write host:port, e.g. {example}");
            return null;
        }
        return address;
    }

    /// <summary>One of a fixed set of values (case-insensitive), returned in its canonical spelling.</summary>
    public static string? OneOf(YamlMap map, string key, string fallback, params string[] allowed)
    {
        var text = map.String(key);
        if (text is null)
        {
            return fallback;
        }
        var match = allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            map.Report(key, $"unsupported value \"{text}\"", Suggestions.Hint(text, allowed, "use one of"));
        }
        return match ?? fallback;
    }

    public static void NotSupported(YamlMap map, string key, string what, string fix) =>
        map.Report(key, $"{what} is not supported by Ferry yet", fix);
}
