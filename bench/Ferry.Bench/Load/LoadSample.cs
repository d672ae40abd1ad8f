namespace Ferry.Bench.Load;

/// <summary>One slice of a run: each completed call's duration in Stopwatch ticks, errors, and the slice's wall time.</summary>
internal sealed record LoadSample(List<long> Ticks, long Errors, double Seconds, string? FirstError);
