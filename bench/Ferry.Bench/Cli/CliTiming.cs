namespace Ferry.Bench.Cli;

/// <summary>Wall times of one command over N runs (the warm-up run excluded).</summary>
internal sealed record CliTiming(string Key, string Command, int Runs, double MedianMs, double MinMs, double MaxMs);
