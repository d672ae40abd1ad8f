namespace Ferry.Bench.Load;

/// <summary>The process groups CPU is charged to.</summary>
internal static class CpuGroups
{
    public const string Bench = "bench (SDK + static upstream)";
    public const string Tsh = "tsh proxy aws";
    public const string Cluster = "teleport auth+proxy";
    public const string Agents = "teleport app agent";
    public const string Moto = "moto";

    public static readonly string[] All = [Bench, Tsh, Cluster, Agents, Moto];
}
