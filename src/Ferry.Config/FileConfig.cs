using Ferry.Config.Parsing;
using Ferry.Core.Errors;

namespace Ferry.Config;

/// <summary>
/// A parsed, validated and defaulted <c>teleport.yaml</c> (version v3). Immutable: the daemon applies environment
/// variables and flags on top with <c>with</c> expressions (precedence: defaults &lt; file &lt; environment &lt; flags).
/// </summary>
public sealed record FileConfig
{
    public string Version { get; init; } = ConfigDefaults.Version;
    public required TeleportConfig Teleport { get; init; }
    public required AuthServiceConfig Auth { get; init; }
    public ProxyServiceConfig Proxy { get; init; } = new();
    public AppServiceConfig Apps { get; init; } = new();
    /// <summary>The file it came from, when read from disk.</summary>
    public string? SourcePath { get; init; }

    /// <summary>
    /// True when this process has no auth service and so must join a cluster (with join_params.token_name, unless
    /// data_dir already holds an identity: the daemon checks that).
    /// </summary>
    public bool RequiresJoin => !Auth.Enabled && (Proxy.Enabled || Apps.Enabled);

    /// <summary>Parses YAML text. Throws one <see cref="FerryException"/> (BadParameter) listing every problem.</summary>
    public static FileConfig Parse(string yaml, string? fileName = null, ConfigParseOptions? options = null) =>
        FileConfigReader.Read(yaml, fileName, options ?? ConfigParseOptions.Default);

    /// <summary>Reads and parses a file; problems name the file, line and key.</summary>
    public static FileConfig Load(string path, ConfigParseOptions? options = null)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            throw FerryException.NotFound($"config file {path} not found; create one with `teleport configure -o {path}` or pass --config");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw FerryException.BadParameter($"cannot read config file {path}: {ex.Message}");
        }
        return Parse(text, path, options) with { SourcePath = path };
    }
}
