using System.Text.RegularExpressions;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Cluster;

/// <summary>The teleport daemon itself: strict config errors, graceful stop, restart with the same data.</summary>
public sealed class DaemonTests
{
    [Fact]
    public async Task Start_BadConfig_ReportsEveryProblemWithFileLineAndHint_AndExits1()
    {
        var directory = Directory.CreateTempSubdirectory("ferry-badconf-").FullName;
        var path = Path.Combine(directory, "teleport.yaml");
        await File.WriteAllTextAsync(path, "version: v3\nteleport:\n  data_dir: /tmp/never\n  lgo:\n    output: stderr\nauth_service:\n  enabled: maybe\n");

        var result = await Run.CommandAsync(Binaries.Teleport, ["start", "-c", path]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{path}: unknown key \"lgo\" at teleport (line 4, column 3): did you mean \"log\"?", result.Stderr);
        Assert.Contains("auth_service.enabled (line 7", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(Directory.Exists("/tmp/never"));
    }

    [Fact]
    public async Task Start_MissingConfig_SaysHowToCreateOne()
    {
        var result = await Run.CommandAsync(Binaries.Teleport, ["start", "-c", "/nonexistent/teleport.yaml"]);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("teleport configure", result.Stderr);
    }

    [Fact]
    public async Task Configure_PrintsASampleThatStartsACluster()
    {
        var sample = (await Run.CommandAsync(Binaries.Teleport, ["configure"])).EnsureSuccess("teleport configure");
        Assert.Contains("version: v3", sample.Stdout);
        Assert.Contains("#", sample.Stdout);
    }

    [Fact]
    public async Task Sigterm_StopsGracefully_AndARestartKeepsUsersTheCaPinAndTheAuditLog()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.AddUserAsync("alice", "access", "correct-horse-battery-staple");
        var pin = CaPin((await cluster.TctlLocalAsync(["status"])).EnsureSuccess("status").Stdout);

        Assert.Equal(0, await cluster.Process!.StopAsync());
        Assert.Contains("Ferry stopped.", cluster.Process.Output);

        await cluster.StartProcessAsync();
        Assert.Equal(pin, CaPin((await cluster.TctlLocalAsync(["status"])).EnsureSuccess("status after restart").Stdout));
        (await cluster.LoginAsync("alice", "correct-horse-battery-staple")).EnsureSuccess("login after restart");
        var audit = (await cluster.TctlLocalAsync(["audit", "ls", "--type=user.create", "--format=json"])).EnsureSuccess("audit ls after restart");
        Assert.Contains("\"name\": \"alice\"", audit.Stdout);

        // Secrets at rest (and the audit log) are owner-only.
        foreach (var file in new[]
        {
            Path.Combine(cluster.DataDir, "backend", "sqlite.db"), Path.Combine(cluster.DataDir, "log", "audit.db"),
            Path.Combine(cluster.DataDir, "identities", "admin.pem"),
        })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task InstallSystemd_WritesAUnitThatReadsEtcDefaultTeleport()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("ferry-unit-").FullName, "teleport.service");

        (await Run.CommandAsync(Binaries.Teleport, ["install", "systemd", "-o", path])).EnsureSuccess("install systemd");

        var unit = await File.ReadAllTextAsync(path);
        Assert.Contains("EnvironmentFile=-/etc/default/teleport", unit);
        Assert.Matches(@"ExecStart=\S*teleport start --config /etc/teleport.yaml", unit);
        Assert.Contains("WantedBy=multi-user.target", unit);
    }

    private static string CaPin(string status) => Regex.Match(status, @"sha256:[0-9a-f]{64}").Value;
}
