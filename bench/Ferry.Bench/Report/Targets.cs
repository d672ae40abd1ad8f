namespace Ferry.Bench.Report;

/// <summary>The figures Ferry holds itself to. Reported next to each figure, never turned into an exit code.</summary>
internal static class Targets
{
    public const double MinThroughputRatio = 0.5;
    public const int ThroughputConcurrency = 32;
    public const double MaxAddedP50Ms = 0.5;
    public const double MaxAddedP99Ms = 3;
    public const int LatencyConcurrency = 1;
    public const double MaxCliAddedMs = 60;
    public const double MaxTshStartMs = 25;
    public const double MinIssuancePerSecond = 300;
    public const double MaxUploadGrowthMb = 64;

    public static TargetCheck? For(GetItemRow row) => row.Diagnostic ? null : row.Concurrency switch
    {
        ThroughputConcurrency => new TargetCheck($"throughput >= {MinThroughputRatio:0.0} x direct", row.Ratio >= MinThroughputRatio),
        LatencyConcurrency => new TargetCheck(
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"added p50 <= {MaxAddedP50Ms:0.0} ms, p99 <= {MaxAddedP99Ms:0} ms"),
            row.AddedP50Ms <= MaxAddedP50Ms && row.AddedP99Ms <= MaxAddedP99Ms),
        _ => null,
    };

    public static TargetCheck ForCli(double addedMs) => new($"tsh aws <= {MaxCliAddedMs:0} ms slower", addedMs <= MaxCliAddedMs);

    public static TargetCheck ForIssuance(double perSecond) => new($">= {MinIssuancePerSecond:0}/s", perSecond >= MinIssuancePerSecond);

    /// <summary>A 1 GiB upload streams: no process's resident memory grows by more than a few chunks' worth plus GC slack.</summary>
    public static TargetCheck ForUpload(double maxGrowthMb) => new($"every process grows <= {MaxUploadGrowthMb:0} MB", maxGrowthMb <= MaxUploadGrowthMb);

    /// <summary>tsh version and tsh status: a command that reads the profile must feel instant.</summary>
    public static TargetCheck ForTshStart(double medianMs) => new($"<= {MaxTshStartMs:0} ms", medianMs <= MaxTshStartMs);
}

internal sealed record TargetCheck(string Target, bool Pass);
