using System.CommandLine;
using Ferry.Core;

namespace Ferry.Tsh.Commands;

internal static class VersionCommand
{
    public static Command Build(TshContext context)
    {
        var command = new Command("version", "Print the version of tsh");
        command.SetAction(async (_, _) =>
        {
            await context.Console.Out.WriteLineAsync($"Ferry v{FerryVersion.Current} (tsh) .NET {Environment.Version}");
            return 0;
        });
        return command;
    }
}
