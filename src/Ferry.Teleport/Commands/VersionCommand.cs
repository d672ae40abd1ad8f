using System.CommandLine;
using Ferry.Client.Cli;
using Ferry.Core;

namespace Ferry.Teleport.Commands;

internal static class VersionCommand
{
    public static Command Build(CliConsole console)
    {
        var command = new Command("version", "Print the version");
        command.SetAction(async (_, _) =>
        {
            await console.Out.WriteLineAsync($"Ferry v{FerryVersion.Current} (teleport) .NET {Environment.Version}");
            return 0;
        });
        return command;
    }
}
