using System.CommandLine;

namespace Ferry.Tctl;

/// <summary>Options every tctl command accepts.</summary>
internal sealed class GlobalOptions
{
    public Option<string?> Config { get; } = new("--config", "-c")
    {
        Description = "Path to teleport.yaml on the auth host (default: $TELEPORT_CONFIG_FILE or /etc/teleport.yaml); without one, tctl uses your tsh login",
        Recursive = true,
    };

    public Option<bool> Insecure { get; } = new("--insecure")
    {
        Description = "Do not verify the proxy's certificate (only for self-signed test setups)",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Config);
        root.Options.Add(Insecure);
    }
}
