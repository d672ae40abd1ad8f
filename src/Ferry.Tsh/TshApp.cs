using System.CommandLine;
using Ferry.Client.Cli;
using Ferry.Client.Profiles;
using Ferry.Tsh.Commands;

namespace Ferry.Tsh;

/// <summary>tsh, the user CLI. One class per noun under Commands/; this file only assembles them.</summary>
public static class TshApp
{
    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var context = new TshContext(console, ProfileStore.Default());
        var root = new RootCommand("Ferry user client (Teleport-compatible tsh): log in and reach AWS through the access plane.");
        root.Subcommands.Add(LoginCommand.Build(context));
        root.Subcommands.Add(LogoutCommand.Build(context));
        root.Subcommands.Add(StatusCommand.Build(context));
        root.Subcommands.Add(VersionCommand.Build(context));
        root.Subcommands.Add(AppsCommand.Build(context));
        return CliRunner.RunAsync(root, args, console, cancellationToken);
    }
}

/// <summary>What every tsh command shares: the terminal and the profile store.</summary>
internal sealed record TshContext(CliConsole Console, ProfileStore Store);
