using System.CommandLine;
using Ferry.Client.Cli;
using Ferry.Tctl.Commands;

namespace Ferry.Tctl;

/// <summary>tctl, the admin CLI. One class per noun under Commands/; this file only assembles them.</summary>
public static class TctlApp
{
    public static Task<int> RunAsync(string[] args, CliConsole console, CancellationToken cancellationToken)
    {
        var globals = new GlobalOptions();
        var root = new RootCommand("Admin tool for the Ferry access plane (Teleport-compatible tctl).");
        globals.AddTo(root);
        var context = new TctlContext(globals, console);
        root.Subcommands.Add(StatusCommand.Build(context));
        root.Subcommands.Add(VersionCommand.Build(context));
        root.Subcommands.Add(CreateCommand.Build(context));
        root.Subcommands.Add(GetCommand.Build(context));
        root.Subcommands.Add(RmCommand.Build(context));
        root.Subcommands.Add(UsersCommand.Build(context));
        root.Subcommands.Add(TokensCommand.Build(context));
        root.Subcommands.Add(AuditCommand.Build(context));
        root.Subcommands.Add(AppsCommand.Build(context));
        root.Subcommands.Add(LockCommand.Build(context));
        return CliRunner.RunAsync(root, args, console, cancellationToken);
    }
}
