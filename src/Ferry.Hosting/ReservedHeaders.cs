namespace Ferry.Hosting;

/// <summary>
/// Headers that never cross a Ferry hop as the client wrote them (docs/aws-access.md §1.8): hop-by-hop
/// headers (RFC 9110 §7.6.1) and every header with a meaning inside the cluster, which only Ferry itself may set.
/// </summary>
public static class ReservedHeaders
{
    private static readonly HashSet<string> HopByHop = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "Proxy-Authorization", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
    };

    private static readonly HashSet<string> ClusterOwned = new(StringComparer.OrdinalIgnoreCase)
    {
        "Teleport-Jwt-Assertion", "X-Real-IP", "Forwarded",
    };

    private static readonly string[] ClusterPrefixes = ["X-Forwarded-", "X-Teleport-", "X-Ferry-"];

    public static bool IsHopByHop(string name) => HopByHop.Contains(name);

    /// <summary>True for headers a client may not send onwards: hop-by-hop ones and cluster-owned ones.</summary>
    public static bool IsReserved(string name) =>
        HopByHop.Contains(name) || ClusterOwned.Contains(name) || ClusterPrefixes.Any(p => name.StartsWith(p, StringComparison.OrdinalIgnoreCase));
}
