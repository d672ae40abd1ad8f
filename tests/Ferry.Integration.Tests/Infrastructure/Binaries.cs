namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// Finds the real teleport, tctl and tsh executables built beside this test assembly (same configuration),
/// so the tests drive exactly what a user runs.
/// </summary>
internal static class Binaries
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    public static string RepositoryRoot => Root.Value;

    public static string Teleport => Find("Ferry.Teleport", "teleport");
    public static string Tctl => Find("Ferry.Tctl", "tctl");
    /// <summary>
    /// The native tsh when <c>FERRY_TSH</c> names one (scripts/test.sh publishes it: what users run), else the JIT
    /// build beside the tests (it runs with the native build's limits: no reflection-based JSON).
    /// </summary>
    public static string Tsh => Environment.GetEnvironmentVariable("FERRY_TSH") is { Length: > 0 } native ? native : Find("Ferry.Tsh", "tsh");

    /// <summary>A directory holding links named teleport, tctl and tsh, to put first on PATH for guide commands run by bash.</summary>
    public static string BinDirectory => BinDir.Value;

    private static readonly Lazy<string> BinDir = new(() =>
    {
        var dir = Path.Combine(Path.GetTempPath(), "ferry-it-bin-" + Environment.ProcessId);
        Directory.CreateDirectory(dir);
        foreach (var (name, target) in new[] { ("teleport", Teleport), ("tctl", Tctl), ("tsh", Tsh) })
        {
            var link = Path.Combine(dir, name);
            if (!File.Exists(link))
            {
                File.CreateSymbolicLink(link, target);
            }
        }

        return dir;
    });

    private static string Find(string project, string name)
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name; // bin/<Configuration>/net10.0
        var path = Path.Combine(RepositoryRoot, "src", project, "bin", configuration, "net10.0", name);
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{name} is not built at {path}; build the solution first (dotnet build Ferry.slnx)");
        }

        return path;
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ferry.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("cannot find Ferry.slnx above " + AppContext.BaseDirectory);
    }
}
