using System.CommandLine;
using Ferry.Client.Cli;
using Ferry.Teleport.Commands;

namespace Ferry.Teleport;

/// <summary>teleport, the daemon: start, configure, version (and more per issue).</summary>
public static class TeleportApp
{
    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var root = new RootCommand("Ferry daemon (Teleport-compatible): runs the auth, proxy and app services from teleport.yaml.");
        root.Subcommands.Add(StartCommand.Build(console));
        root.Subcommands.Add(ConfigureCommand.Build(console));
        root.Subcommands.Add(VersionCommand.Build(console));
        root.Subcommands.Add(AppStartCommand.Build(console));
        root.Subcommands.Add(InstallCommand.Build(console));
        return CliRunner.RunAsync(root, args, console, cancellationToken);
    }
}
