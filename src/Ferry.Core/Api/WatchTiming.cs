namespace Ferry.Core.Api;

/// <summary>The feed's liveness contract between auth (which pings) and the caches (which judge staleness).</summary>
public static class WatchTiming
{
    /// <summary>Auth writes a ping on an idle feed this often.</summary>
    public static readonly TimeSpan PingInterval = TimeSpan.FromSeconds(2);

    /// <summary>A cache that heard nothing for this long refuses the decisions that depend on it (docs/security.md).</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(10);
}
