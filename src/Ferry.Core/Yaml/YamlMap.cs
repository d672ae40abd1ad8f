using System.Globalization;
using System.Text.Json;
using Ferry.Core.Time;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Ferry.Core.Yaml;

/// <summary>
/// A strict view of one YAML mapping. Every getter names a key the caller understands; <see cref="Finish"/> then reports
/// each key that no getter asked for as unknown, with a "did you mean" hint drawn from the names that were asked for.
/// Wrong shapes and bad scalars are reported (never thrown) and the getter returns null, so one pass finds every problem.
/// </summary>
public sealed class YamlMap
{
    private readonly Dictionary<string, (YamlNode Key, YamlNode Value)> _entries = new(StringComparer.Ordinal);
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    private YamlMap(YamlDiagnostics diagnostics, YamlNode? node, string path)
    {
        Diagnostics = diagnostics;
        Node = node;
        Path = path;
    }

    public YamlDiagnostics Diagnostics { get; }
    public YamlNode? Node { get; }
    public string Path { get; }
    public IEnumerable<string> Keys => _entries.Keys;

    /// <summary>Wraps a node that should be a mapping; an absent or empty value is an empty mapping, anything else is reported.</summary>
    public static YamlMap? From(YamlNode? node, string path, YamlDiagnostics diagnostics)
    {
        if (YamlScalars.IsNull(node))
        {
            return new YamlMap(diagnostics, node, path);
        }
        if (node is not YamlMappingNode mapping)
        {
            diagnostics.Report(node, path, $"expected a mapping (key: value lines), got {YamlScalars.Describe(node!)}");
            return null;
        }
        var map = new YamlMap(diagnostics, node, path);
        foreach (var (keyNode, valueNode) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                diagnostics.Report(keyNode, path, "mapping keys must be plain strings");
                continue;
            }
            if (!map._entries.TryAdd(key, (keyNode, valueNode)))
            {
                diagnostics.Report(keyNode, path, $"duplicate key \"{key}\"", "each key may appear once; remove or merge the repeated one");
            }
        }
        return map;
    }

    public bool Has(string key)
    {
        _known.Add(key);
        return _entries.TryGetValue(key, out var entry) && !YamlScalars.IsNull(entry.Value);
    }

    /// <summary>The raw value node of a key (null when absent or empty); marks the key as understood.</summary>
    public YamlNode? Get(string key)
    {
        _known.Add(key);
        return _entries.TryGetValue(key, out var entry) && !YamlScalars.IsNull(entry.Value) ? entry.Value : null;
    }

    /// <summary>Where a key sits, for problems found later (cross-field validation); the mapping's start when absent.</summary>
    public Mark MarkOf(string key) =>
        _entries.TryGetValue(key, out var entry) ? entry.Value.Start : Node?.Start ?? Mark.Empty;

    public string PathOf(string key) => YamlPath.Child(Path, key);

    public void Report(string key, string message, string? hint = null) =>
        Diagnostics.Report(MarkOf(key), PathOf(key), message, hint);

    /// <summary>Marks keys as understood without reading them (accepted and ignored).</summary>
    public void Ignore(params string[] keys)
    {
        foreach (var key in keys)
        {
            _known.Add(key);
        }
    }

    public string? String(string key, bool required = false)
    {
        var node = Get(key);
        if (node is null)
        {
            if (required)
            {
                Diagnostics.Report(Node?.Start ?? Mark.Empty, PathOf(key), "missing required key", $"add \"{key}:\" under {(Path.Length == 0 ? "the top level" : Path)}");
            }
            return null;
        }
        if (node is YamlScalarNode scalar)
        {
            return scalar.Value ?? "";
        }
        Diagnostics.Report(node, PathOf(key), $"expected a string, got {YamlScalars.Describe(node)}");
        return null;
    }

    public bool? Bool(string key)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode scalar && YamlScalars.TryParseBool(scalar.Value, out var value))
        {
            return value;
        }
        Diagnostics.Report(node, PathOf(key), $"expected a boolean, got {YamlScalars.Describe(node)}", "use true/false (yes/no and on/off are accepted too)");
        return null;
    }

    public int? Int(string key)
    {
        var s = String(key);
        if (s is null)
        {
            return null;
        }
        if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }
        Report(key, $"expected a whole number, got \"{YamlScalars.Truncate(s)}\"");
        return null;
    }

    /// <summary>A Go-style duration such as "12h", "30m" or "1h30m".</summary>
    public TimeSpan? Duration(string key)
    {
        var s = String(key);
        if (s is null)
        {
            return null;
        }
        if (GoDuration.TryParse(s, out var value, out var error))
        {
            return value;
        }
        Report(key, error.Replace("invalid duration", "bad duration", StringComparison.Ordinal), "write it like 12h, 30m, 90s or 1h30m");
        return null;
    }

    /// <summary>An RFC 3339 time; Go's zero time (0001-01-01T00:00:00Z), which Teleport prints for "never", reads as null.</summary>
    public DateTimeOffset? Time(string key)
    {
        var s = String(key);
        if (s is null)
        {
            return null;
        }
        if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var value))
        {
            return value == DateTimeOffset.MinValue || value.Year == 1 ? null : value;
        }
        Report(key, $"expected an RFC 3339 time, got \"{YamlScalars.Truncate(s)}\"", "write it like 2025-01-31T15:04:05Z");
        return null;
    }

    public YamlMap? Map(string key) => From(Get(key), PathOf(key), Diagnostics);

    /// <summary>The items of a list with their paths; a single scalar is reported unless <paramref name="allowSingle"/>.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)>? List(string key, bool allowSingle = false)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlSequenceNode seq)
        {
            return seq.Children.Select((child, i) => (child, YamlPath.Index(PathOf(key), i))).ToList();
        }
        if (allowSingle && node is YamlScalarNode)
        {
            return [(node, PathOf(key))];
        }
        Diagnostics.Report(node, PathOf(key), $"expected a list, got {YamlScalars.Describe(node)}", $"write each item on its own line starting with \"- \" under {key}:");
        return null;
    }

    /// <summary>A list of strings; with <paramref name="allowSingle"/> a lone string is a one-item list (e.g. public_addr).</summary>
    public IReadOnlyList<string>? StringList(string key, bool allowSingle = false)
    {
        var node = Get(key);
        if (node is null)
        {
            return null;
        }
        if (node is YamlScalarNode single && allowSingle)
        {
            return [single.Value ?? ""];
        }
        if (node is not YamlSequenceNode seq)
        {
            Diagnostics.Report(node, PathOf(key), $"expected a list of strings, got {YamlScalars.Describe(node)}", $"write each item on its own line starting with \"- \" under {key}:");
            return null;
        }
        return ReadStrings(seq, PathOf(key));
    }

    /// <summary>A mapping of string → string.</summary>
    public IReadOnlyDictionary<string, string>? StringMap(string key)
    {
        var map = Map(key);
        if (map is null)
        {
            return null;
        }
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, (_, value)) in map._entries)
        {
            map._known.Add(k);
            if (value is YamlScalarNode scalar)
            {
                result[k] = YamlScalars.IsNull(scalar) ? "" : scalar.Value ?? "";
            }
            else
            {
                Diagnostics.Report(value, map.PathOf(k), $"expected a string, got {YamlScalars.Describe(value)}");
            }
        }
        return result;
    }

    /// <summary>A mapping of string → string or list of strings (labels, traits). Empty values give an empty list.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? StringListMap(string key)
    {
        var map = Map(key);
        if (map is null)
        {
            return null;
        }
        var result = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (k, (_, value)) in map._entries)
        {
            map._known.Add(k);
            var path = map.PathOf(k);
            switch (value)
            {
                case var v when YamlScalars.IsNull(v):
                    result[k] = [];
                    break;
                case YamlScalarNode scalar:
                    result[k] = [scalar.Value ?? ""];
                    break;
                case YamlSequenceNode seq:
                    if (ReadStrings(seq, path) is { } list)
                    {
                        result[k] = list;
                    }
                    break;
                default:
                    Diagnostics.Report(value, path, $"expected a string or a list of strings, got {YamlScalars.Describe(value)}");
                    break;
            }
        }
        return result;
    }

    /// <summary>
    /// Copies the values of the given keys, when present, as JSON so that keys Ferry accepts but does not interpret
    /// survive a round trip through storage and <c>tctl get</c>.
    /// </summary>
    public Dictionary<string, JsonElement> Extras(IEnumerable<string> acceptedKeys)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var key in acceptedKeys)
        {
            _known.Add(key);
            if (_entries.TryGetValue(key, out var entry))
            {
                result[key] = YamlJson.ToJsonElement(entry.Value);
            }
        }
        return result;
    }

    /// <summary>Reports every key no getter asked for. Call once, after all getters.</summary>
    public void Finish()
    {
        foreach (var (key, (keyNode, _)) in _entries)
        {
            if (_known.Contains(key))
            {
                continue;
            }
            var hint = Suggestions.Hint(key, _known, "known keys are");
            Diagnostics.Report(keyNode, Path, $"unknown key \"{key}\"", hint);
        }
    }

    private List<string>? ReadStrings(YamlSequenceNode seq, string path)
    {
        var result = new List<string>(seq.Children.Count);
        var ok = true;
        for (var i = 0; i < seq.Children.Count; i++)
        {
            if (seq.Children[i] is YamlScalarNode item && !YamlScalars.IsNull(item))
            {
                result.Add(item.Value ?? "");
            }
            else
            {
                Diagnostics.Report(seq.Children[i], YamlPath.Index(path, i), $"expected a string, got {YamlScalars.Describe(seq.Children[i])}");
                ok = false;
            }
        }
        return ok ? result : null;
    }
}
