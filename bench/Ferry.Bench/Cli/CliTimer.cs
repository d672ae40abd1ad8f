using Ferry.Bench.Infrastructure;

namespace Ferry.Bench.Cli;

/// <summary>
/// Times whole command lines from process start to exit. The commands take turns within each round, so a slow
/// moment of the machine hits all of them alike; one untimed round first warms the disk cache.
/// </summary>
internal static class CliTimer
{
    public static async Task<IReadOnlyList<CliTiming>> MeasureAsync(IReadOnlyList<CliCommand> commands, int runs, Action<string> progress, CancellationToken cancellationToken)
    {
        var samples = commands.ToDictionary(c => c.Key, _ => new List<double>());
        for (var round = 0; round <= runs; round++)
        {
            progress($"round {round}/{runs}");
            foreach (var command in commands)
            {
                var result = await Run.CommandAsync(command.FileName, command.Args, command.Environment, cancellationToken, workingDirectory: command.WorkingDirectory);
                if (result.ExitCode != 0 || (command.Expect is not null && !result.Stdout.Contains(command.Expect, StringComparison.Ordinal)))
                {
                    throw new InvalidOperationException($"`{command.Display}` failed (exit {result.ExitCode}):\n{result.Stdout}\n{result.Stderr}".TrimEnd());
                }

                if (round > 0)
                {
                    samples[command.Key].Add(result.Elapsed.TotalMilliseconds);
                }
            }
        }

        return commands.Select(c =>
        {
            var sorted = samples[c.Key].Order().ToList();
            var median = sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
            return new CliTiming(c.Key, c.Display, sorted.Count, median, sorted[0], sorted[^1]);
        }).ToList();
    }
}
