using System.Runtime.InteropServices;

namespace Ferry.Bench.Report;

/// <summary>What the figures were measured on.</summary>
internal sealed record MachineInfo(string Cpu, int Cores, double MemoryGiB, string Os, string Runtime, string LoadAverageBefore, string LoadAverageAfter)
{
    /// <summary>/proc/loadavg's 1, 5 and 15 minute figures: other work on the machine skews everything measured here.</summary>
    public static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>The file system <paramref name="path"/> is on ("ext4 on /"), from /proc/mounts: a commit's flush costs what it costs there.</summary>
    public static string FilesystemOf(string path)
    {
        try
        {
            var full = Path.GetFullPath(path);
            return File.ReadLines("/proc/mounts")
                .Select(l => l.Split(' '))
                .Where(f => f.Length > 2 && (full == f[1] || full.StartsWith(f[1].TrimEnd('/') + "/", StringComparison.Ordinal)))
                .OrderByDescending(f => f[1].Length)
                .Select(f => $"{f[2]} on {f[1]}")
                .FirstOrDefault() ?? "?";
        }
        catch (IOException)
        {
            return "?";
        }
    }

    public static MachineInfo Current(string loadAverageBefore)
    {
        var cpu = "unknown CPU";
        try
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        catch (IOException)
        {
        }

        return new MachineInfo(cpu, Environment.ProcessorCount, Math.Round(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024), 1),
            RuntimeInformation.OSDescription, RuntimeInformation.FrameworkDescription, loadAverageBefore, LoadAverage());
    }

    public override string ToString() => $"{Cores} cores ({Cpu}), {MemoryGiB:0} GiB, {Os}, {Runtime}; load average {LoadAverageBefore} before, {LoadAverageAfter} after";
}
