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

    public Option<string?> AuthServer { get; } = new("--auth-server")
    {
        Description = "On the auth host: the auth server (or the load balancer in front of several) to reach as host:port (default: auth_service.listen_addr)",
        Recursive = true,
    };

    public void AddTo(RootCommand root)
    {
        root.Options.Add(Config);
        root.Options.Add(AuthServer);
        root.Options.Add(Insecure);
    }
}
