using System.CommandLine;
using Ferry.Core.Errors;

namespace Ferry.Client.Cli;

public enum OutputFormat
{
    Text,
    Json,
    Yaml,
}

public static class OutputFormats
{
    /// <summary>The --format option every listing command shares (-f for tsh, as Teleport does).</summary>
    public static Option<string> Option(string defaultValue = "text", params string[] aliases) =>
        new("--format", aliases)
        {
            Description = "Output format: text, json or yaml",
            DefaultValueFactory = _ => defaultValue,
        };

    public static OutputFormat Parse(string? value) => value?.ToLowerInvariant() switch
    {
        null or "" or "text" => OutputFormat.Text,
        "json" => OutputFormat.Json,
        "yaml" => OutputFormat.Yaml,
        _ => throw FerryException.BadParameter($"unsupported --format \"{value}\"; use text, json or yaml"),
    };
}
