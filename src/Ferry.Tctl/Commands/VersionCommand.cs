using System.CommandLine;
using Ferry.Core;

namespace Ferry.Tctl.Commands;

internal static class VersionCommand
{
    public static Command Build(TctlContext context)
    {
        var command = new Command("version", "Print the version of tctl");
        command.SetAction(async (_, _) =>
        {
            await context.Console.Out.WriteLineAsync($"Ferry v{FerryVersion.Current} (tctl) .NET {Environment.Version}");
            return 0;
        });
        return command;
    }
}
