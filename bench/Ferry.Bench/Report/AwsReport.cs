using Ferry.Bench.Cli;

namespace Ferry.Bench.Report;

/// <summary>The AWS suite: GetItem through Ferry against direct, one call's legs, CLI wall times, issuance, a 1 GiB upload.</summary>
internal sealed record AwsReport(
    string LoadAverageBefore,
    double DurationSeconds,
    double WarmUpSeconds,
    int Slices,
    IReadOnlyList<GetItemRow> GetItem,
    IReadOnlyList<HopRow> Hops,
    IReadOnlyList<CliTiming> Cli,
    string? AwsCli,
    Load.IssuanceResult? Issuance = null,
    Load.UploadResult? Upload = null)
{
    public CliTiming? CliTiming(string key) => Cli.FirstOrDefault(c => c.Key == key);

    /// <summary>tsh aws list-tables minus the same aws call made directly (medians), when both were measured.</summary>
    public double? CliAddedMs => CliTiming(CliKeys.TshAws) is { } tsh && CliTiming(CliKeys.AwsDirect) is { } direct ? tsh.MedianMs - direct.MedianMs : null;
}
