using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Cluster;

/// <summary>
/// An auditor reads a busy log with tctl audit ls: every event once, however many pages it takes, and a hint when the
/// limit hides older ones. The cluster is this class's own, so it holds exactly the events made here.
/// </summary>
public sealed class AuditLogTests : IClassFixture<ClusterFixture>
{
    private const int Users = 250;
    private readonly TestCluster _cluster;

    public AuditLogTests(ClusterFixture fixture)
    {
        _cluster = fixture.Cluster;
    }

    [Fact]
    public async Task AuditLs_PagesThroughTheWholeLog_EachEventOnce_AndASmallLimitSaysMoreExist()
    {
        // 250 user.create events, from one tctl create of 250 user documents.
        var names = Enumerable.Range(0, Users).Select(i => $"audit-user-{i:D3}").ToList();
        var yaml = string.Join("---\n", names.Select(name => $"kind: user\nversion: v2\nmetadata:\n  name: {name}\nspec:\n  roles: [access]\n"));
        var file = Path.Combine(_cluster.Directory, "many-users.yaml");
        await File.WriteAllTextAsync(file, yaml);
        (await _cluster.TctlLocalAsync(["create", file])).EnsureSuccess("tctl create (250 users)");

        // Everything: three pages of tctl's 100 behind one command, each event exactly once, newest first.
        var all = (await _cluster.TctlLocalAsync(["audit", "ls", "--since=1h", "--type=user.create", "--limit=1000", "--format=json"])).EnsureSuccess("audit ls --limit=1000");
        using var allEvents = JsonDocument.Parse(all.Stdout);
        var created = allEvents.RootElement.EnumerateArray().Select(e => e.GetProperty("name").GetString()).ToList();
        Assert.Equal(names, created.Order(StringComparer.Ordinal));
        var ids = allEvents.RootElement.EnumerateArray().Select(e => e.GetProperty("uid").GetString()).ToList();
        Assert.Equal(Users, ids.Distinct().Count());
        var times = allEvents.RootElement.EnumerateArray().Select(e => e.GetProperty("time").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);
        Assert.Equal("", all.Stderr.Trim());

        // A limit past one page but short of the log: the newest 150, in the same order, nothing twice.
        var some = (await _cluster.TctlLocalAsync(["audit", "ls", "--since=1h", "--type=user.create", "--limit=150", "--format=json"])).EnsureSuccess("audit ls --limit=150");
        using var someEvents = JsonDocument.Parse(some.Stdout);
        Assert.Equal(ids.Take(150), someEvents.RootElement.EnumerateArray().Select(e => e.GetProperty("uid").GetString()));
        Assert.DoesNotContain("--limit", some.Stderr); // JSON output stays a plain array with nothing said beside it

        // Text output with a small limit: that many rows, and a hint on stderr how to see the rest.
        var few = (await _cluster.TctlLocalAsync(["audit", "ls", "--since=1h", "--type=user.create", "--limit=10"])).EnsureSuccess("audit ls --limit=10");
        var rows = few.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(line => line.Contains("user.create", StringComparison.Ordinal)).ToList();
        Assert.Equal(10, rows.Count);
        Assert.Contains(names[^1], rows[0]); // the newest first
        Assert.Contains("More events match than the 10 shown", few.Stderr);
        Assert.Contains("--limit=100", few.Stderr);

        // The whole log fits: no hint.
        var exact = (await _cluster.TctlLocalAsync(["audit", "ls", "--since=1h", "--type=user.create", "--limit=250"])).EnsureSuccess("audit ls --limit=250");
        Assert.DoesNotContain("More events", exact.Stderr);
    }

    [Fact]
    public async Task AuditLs_BadLimit_SaysWhatIsWrong()
    {
        var result = await _cluster.TctlLocalAsync(["audit", "ls", "--limit=0"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--limit must be at least 1", result.Stderr);
    }
}
