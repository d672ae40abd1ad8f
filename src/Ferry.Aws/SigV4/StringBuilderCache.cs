using System.Text;

namespace Ferry.Aws.SigV4;

/// <summary>
/// One reusable builder per thread and slot for the canonical request, which is built on every proxied request
/// (the pattern of the BCL's internal StringBuilderCache). A builder is taken out while in use, so a nested or
/// re-entrant use simply gets a new one.
/// </summary>
internal static class StringBuilderCache
{
    private const int MaxCapacity = 4096;

    [ThreadStatic]
    private static StringBuilder?[]? t_cache;

    public static StringBuilder Acquire(int slot, int capacity = 512)
    {
        var cache = t_cache ??= new StringBuilder?[3];
        var sb = cache[slot];
        if (sb is not null)
        {
            cache[slot] = null;
            sb.Clear();
            return sb;
        }

        return new StringBuilder(capacity);
    }

    public static void Release(int slot, StringBuilder sb)
    {
        if (sb.Capacity <= MaxCapacity && t_cache is { } cache)
        {
            cache[slot] = sb;
        }
    }
}
