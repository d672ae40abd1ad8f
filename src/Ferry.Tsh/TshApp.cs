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
        if (args.Length > 0 && args[0] == "aws")
        {
            return RunAwsAsync(context, args[1..], cancellationToken);
        }

        var root = new RootCommand("Ferry user client (Teleport-compatible tsh): log in and reach AWS through the access plane.");
        root.Subcommands.Add(LoginCommand.Build(context));
        root.Subcommands.Add(LogoutCommand.Build(context));
        root.Subcommands.Add(StatusCommand.Build(context));
        root.Subcommands.Add(VersionCommand.Build(context));
        root.Subcommands.Add(AppsCommand.Build(context));
        root.Subcommands.Add(AwsCommand.HelpEntry());
        root.Subcommands.Add(ProxyCommand.Build(context));
        root.Subcommands.Add(Resident.ResidentProxyCommand.Build(context));
        return CliRunner.RunAsync(root, args, console, cancellationToken);
    }

    /// <summary>tsh aws with the same error policy as every other command; the child's exit code passes through.</summary>
    private static async Task<int> RunAwsAsync(TshContext context, string[] args, CancellationToken cancellationToken)
    {
        try
        {
            return await AwsCommand.RunAsync(context, args, cancellationToken);
        }
        catch (Core.Errors.FerryException e)
        {
            await context.Console.Error.WriteLineAsync("ERROR: " + e.Message);
            return Core.Errors.ErrorKindMapping.ToExitCode(e.Kind);
        }
    }
}

/// <summary>What every tsh command shares: the terminal and the profile store.</summary>
internal sealed record TshContext(CliConsole Console, ProfileStore Store);
