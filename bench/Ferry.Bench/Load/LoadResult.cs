using System.Diagnostics;

namespace Ferry.Bench.Load;

/// <summary>One path at one concurrency: its slices merged (requests over their summed time, percentiles over all calls).</summary>
internal sealed record LoadResult(int Concurrency, long Completed, long Errors, double Seconds, double P50Ms, double P99Ms, string? FirstError)
{
    public double RequestsPerSecond => Completed / Seconds;

    /// <summary>CPU milliseconds per completed request, per process group.</summary>
    public IReadOnlyDictionary<string, double> CpuMsPerRequest { get; init; } = new Dictionary<string, double>();

    public static LoadResult Merge(int concurrency, IReadOnlyList<LoadSample> samples)
    {
        var all = new List<long>(samples.Sum(s => s.Ticks.Count));
        foreach (var sample in samples)
        {
            all.AddRange(sample.Ticks);
        }

        all.Sort();
        var cpu = samples.SelectMany(s => s.CpuMs).GroupBy(c => c.Key)
            .ToDictionary(g => g.Key, g => all.Count == 0 ? 0 : g.Sum(c => c.Value) / all.Count);
        return new LoadResult(concurrency, all.Count, samples.Sum(s => s.Errors), samples.Sum(s => s.Seconds),
            Percentile(all, 0.50), Percentile(all, 0.99), samples.Select(s => s.FirstError).FirstOrDefault(e => e is not null))
        {
            CpuMsPerRequest = cpu,
        };
    }

    /// <summary>The nearest-rank percentile of sorted Stopwatch ticks, in ms (NaN when there are none).</summary>
    public static double Percentile(IReadOnlyList<long> sortedTicks, double quantile)
    {
        if (sortedTicks.Count == 0)
        {
            return double.NaN;
        }

        var index = (int)Math.Ceiling(quantile * sortedTicks.Count) - 1;
        return sortedTicks[Math.Clamp(index, 0, sortedTicks.Count - 1)] * 1000.0 / Stopwatch.Frequency;
    }
}
