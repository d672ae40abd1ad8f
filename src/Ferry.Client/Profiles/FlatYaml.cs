namespace Ferry.Client.Profiles;

/// <summary>
/// The profile file is flat "key: value" YAML. Reading it by hand keeps a YAML library out of every tsh start
/// (building YamlDotNet's (de)serializers costs ~80 ms, a third of a `tsh aws` call's own time).
/// Values are written double-quoted with JSON escaping, which YAML reads the same way.
/// </summary>
internal static class FlatYaml
{
    public static string Write(IEnumerable<(string Key, string Value)> entries) =>
        string.Concat(entries.Select(e => $"{e.Key}: {System.Text.Json.JsonSerializer.Serialize(e.Value, Core.Api.ApiJsonContext.Default.String)}\n"));

    public static Dictionary<string, string> Read(string text)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (line.StartsWith('#') || colon <= 0 || char.IsWhiteSpace(line[0]))
            {
                continue;
            }

            var value = line[(colon + 1)..].Trim();
            if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
            {
                value = System.Text.Json.JsonSerializer.Deserialize(value, Core.Api.ApiJsonContext.Default.String) ?? "";
            }
            else if (value.Length >= 2 && value[0] == '\'' && value[^1] == '\'')
            {
                value = value[1..^1].Replace("''", "'", StringComparison.Ordinal);
            }

            values[line[..colon].Trim()] = value;
        }

        return values;
    }
}
