using Ferry.Bench.Load;

namespace Ferry.Bench.Report;

/// <summary>One scenario at one concurrency: the direct run and the run through Ferry, and how they compare.</summary>
internal sealed record GetItemRow(string Key, string Scenario, string Upstream, bool Diagnostic, int Concurrency, LoadResult Direct, LoadResult Ferry)
{
    public double Ratio => Ferry.RequestsPerSecond / Direct.RequestsPerSecond;
    public double AddedP50Ms => Ferry.P50Ms - Direct.P50Ms;
    public double AddedP99Ms => Ferry.P99Ms - Direct.P99Ms;
    public TargetCheck? Target => Targets.For(this);
}
