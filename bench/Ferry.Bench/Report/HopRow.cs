using Ferry.Bench.Load;

namespace Ferry.Bench.Report;

/// <summary>The legs of one call on one path (static upstream, one client).</summary>
internal sealed record HopRow(string Key, string Path, HopLegs Legs);
