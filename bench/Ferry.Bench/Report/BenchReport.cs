using Ferry.Bench.Cli;
using Ferry.Bench.Load;

namespace Ferry.Bench.Report;

/// <summary>Everything one run measured, as printed and as written to bench/results/latest.json.</summary>
internal sealed record BenchReport(
    DateTimeOffset Time,
    MachineInfo Machine,
    double DurationSeconds,
    double WarmUpSeconds,
    int Slices,
    IReadOnlyList<GetItemRow> GetItem,
    IReadOnlyList<HopRow> Hops,
    IReadOnlyList<CliTiming> Cli,
    string? AwsCli)
{
    public CliTiming? CliTiming(string key) => Cli.FirstOrDefault(c => c.Key == key);

    /// <summary>tsh aws list-tables minus the same aws call made directly (medians), when both were measured.</summary>
    public double? CliAddedMs => CliTiming(CliKeys.TshAws) is { } tsh && CliTiming(CliKeys.AwsDirect) is { } direct ? tsh.MedianMs - direct.MedianMs : null;
}
