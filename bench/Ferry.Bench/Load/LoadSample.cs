namespace Ferry.Bench.Load;

/// <summary>One slice of a run: each completed call's duration in Stopwatch ticks, errors, and the slice's wall time.</summary>
internal sealed record LoadSample(List<long> Ticks, long Errors, double Seconds, string? FirstError)
{
    /// <summary>CPU milliseconds each process group spent during the slice (<see cref="CpuMeter"/>).</summary>
    public IReadOnlyDictionary<string, double> CpuMs { get; init; } = new Dictionary<string, double>();
}
