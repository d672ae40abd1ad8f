namespace Ferry.Tunnel.Agent;

/// <summary>
/// Exponential backoff with "equal jitter": each delay is drawn from [ceiling/2, ceiling], the ceiling
/// doubling from min to max. Jitter keeps a fleet of agents from redialling a restarted proxy in lockstep;
/// the half that is not random keeps one agent from hammering it.
/// </summary>
internal sealed class Backoff(TimeSpan min, TimeSpan max, Random random)
{
    private int _attempt;

    public TimeSpan Next()
    {
        // 2^20 × min exceeds any sane max; stop counting there.
        var factor = Math.Pow(2, _attempt);
        _attempt = Math.Min(_attempt + 1, 20);
        var ceiling = Math.Min(min.Ticks * factor, max.Ticks);
        return TimeSpan.FromTicks((long)(ceiling / 2 + random.NextDouble() * ceiling / 2));
    }

    /// <summary>After a healthy connection the next failure starts from the shortest delay again.</summary>
    public void Reset() => _attempt = 0;
}
