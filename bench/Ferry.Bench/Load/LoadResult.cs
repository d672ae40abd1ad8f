namespace Ferry.Bench.Load;

/// <summary>One measured run: requests completed in a fixed time by N clients, and their latencies.</summary>
internal sealed record LoadResult(int Concurrency, long Completed, long Errors, double Seconds, double P50Ms, double P99Ms, string? FirstError)
{
    public double RequestsPerSecond => Completed / Seconds;
}
