using System.CommandLine;
using Ferry.Client.Cli;
using Ferry.Config;

namespace Ferry.Teleport.Commands;

/// <summary>teleport configure: print a commented sample teleport.yaml.</summary>
internal static class ConfigureCommand
{
    public static Command Build(CliConsole console)
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of stdout" };
        var command = new Command("configure", "Print a sample teleport.yaml") { output };
        command.SetAction(async (parse, ct) =>
        {
            var path = parse.GetValue(output);
            if (path is null)
            {
                await console.Out.WriteAsync(SampleConfig.Text);
            }
            else
            {
                await File.WriteAllTextAsync(path, SampleConfig.Text, ct);
                await console.Out.WriteLineAsync($"Wrote a sample configuration to {path}");
            }

            return 0;
        });
        return command;
    }
}
