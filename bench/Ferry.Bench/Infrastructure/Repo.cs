namespace Ferry.Bench.Infrastructure;

/// <summary>
/// The checkout the bench runs from and the teleport, tctl and tsh executables built in it with the bench's own
/// configuration (bin/&lt;Configuration&gt;/net10.0), so the bench drives exactly what a user runs.
/// </summary>
internal sealed class Repo
{
    private readonly string _configuration;

    private Repo(string root, string configuration)
    {
        Root = root;
        _configuration = configuration;
    }

    public string Root { get; }

    public string Teleport => Binary("Ferry.Teleport", "teleport");

    public string Tctl => Binary("Ferry.Tctl", "tctl");

    /// <summary>The native tsh bench/run.sh publishes (<c>FERRY_TSH</c>), as users get it; else the JIT build.</summary>
    public string Tsh => Environment.GetEnvironmentVariable("FERRY_TSH") is { Length: > 0 } native ? native : Binary("Ferry.Tsh", "tsh");

    public string SandboxScript => Path.Combine(Root, "scripts", "aws-sandbox.sh");

    /// <summary>The checkout's commit (short), or null outside git or with uncommitted changes to tracked files.</summary>
    public static async Task<string?> ShortCommitAsync(string root)
    {
        var none = new Dictionary<string, string?>();
        var head = await Run.CommandAsync("git", ["-C", root, "rev-parse", "--short", "HEAD"], none, CancellationToken.None);
        var dirty = await Run.CommandAsync("git", ["-C", root, "status", "--porcelain", "--untracked-files=no"], none, CancellationToken.None);
        return head.ExitCode == 0 && dirty.ExitCode == 0 && dirty.Stdout.Trim().Length == 0 ? head.Stdout.Trim() : null;
    }

    public static Repo Find()
    {
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ferry.slnx")))
            {
                return new Repo(dir.FullName, configuration);
            }
        }

        throw new InvalidOperationException("cannot find Ferry.slnx above " + AppContext.BaseDirectory);
    }

    private string Binary(string project, string name)
    {
        var path = Path.Combine(Root, "src", project, "bin", _configuration, "net10.0", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{name} is not built at {path}; run bench/run.sh (it builds {_configuration} first)");
    }
}
