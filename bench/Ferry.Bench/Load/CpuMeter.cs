using System.Globalization;

namespace Ferry.Bench.Load;

/// <summary>
/// CPU time (user + system, from /proc/PID/stat) of named groups of processes, so a slice's CPU can be charged
/// to the bench (SDK and static upstream), tsh, the cluster, the agents and moto. Clock-tick resolution
/// (10 ms), which a slice of thousands of requests makes small.
/// </summary>
internal sealed class CpuMeter
{
    private const double TicksPerSecond = 100; // USER_HZ on Linux (getconf CLK_TCK)

    private readonly List<(string Group, Func<int?> Pid)> _processes = [];

    public IEnumerable<string> Groups => _processes.Select(p => p.Group).Distinct();

    public void Add(string group, Func<int?> pid) => _processes.Add((group, pid));

    /// <summary>CPU milliseconds per group so far.</summary>
    public Dictionary<string, double> Snapshot()
    {
        var result = Groups.ToDictionary(g => g, _ => 0.0);
        foreach (var (group, pid) in _processes)
        {
            if (pid() is { } id && Read(id) is { } ticks)
            {
                result[group] += ticks * 1000 / TicksPerSecond;
            }
        }

        return result;
    }

    public static Dictionary<string, double> Delta(Dictionary<string, double> before, Dictionary<string, double> after) =>
        after.ToDictionary(a => a.Key, a => a.Value - before.GetValueOrDefault(a.Key));

    private static long? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": state is field 3, so utime (14) and stime (15) are at 11 and 12 here.
            return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }
}
