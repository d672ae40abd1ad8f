using System.CommandLine;
using Ferry.Client.Cli;

namespace Ferry.Tctl.Commands;

/// <summary>tctl status: cluster name, version and the CA pin agents use to join.</summary>
internal static class StatusCommand
{
    public static Command Build(TctlContext context)
    {
        var command = new Command("status", "Report cluster status");
        command.SetAction(async (parse, ct) =>
        {
            using var client = context.Connect(parse);
            var status = await client.StatusAsync(ct);
            var rows = new List<IReadOnlyList<string>>
            {
                new[] { "Cluster", status.ClusterName },
                new[] { "Version", status.Version },
                new[] { "CA pin", status.CaPin },
            };
            foreach (var row in rows)
            {
                await context.Console.Out.WriteLineAsync($"{row[0],-12} {row[1]}");
            }

            return 0;
        });
        return command;
    }
}
