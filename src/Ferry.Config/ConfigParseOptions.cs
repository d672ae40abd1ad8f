namespace Ferry.Config;

/// <summary>What the parser asks of the machine, replaceable in tests.</summary>
public sealed record ConfigParseOptions
{
    /// <summary>Default nodename (and so cluster name); the machine's host name when null.</summary>
    public string? HostName { get; init; }

    /// <summary>Checks that referenced files (TLS key pairs) exist; <see cref="File.Exists"/> when null.</summary>
    public Func<string, bool>? FileExists { get; init; }

    public static ConfigParseOptions Default { get; } = new();
}
