using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Cluster;

/// <summary>tsh login and logout against a real cluster, including the refusals and the audit trail they leave.</summary>
public sealed class LoginTests : IClassFixture<ClusterFixture>
{
    private const string Password = "correct-horse-battery-staple";
    private readonly TestCluster _cluster;

    public LoginTests(ClusterFixture fixture)
    {
        _cluster = fixture.Cluster;
    }

    [Fact]
    public async Task Login_WritesKeyAndCertificateOwnerOnly_AndLogoutRemovesThem()
    {
        await _cluster.AddUserAsync("dave", "access", Password);
        (await _cluster.LoginAsync("dave", Password)).EnsureSuccess("tsh login");

        var keys = Path.Combine(_cluster.HomeOf("dave"), ".tsh", "keys", "127.0.0.1");
        foreach (var file in new[] { "dave", "dave-x509.pem" })
        {
            var mode = File.GetUnixFileMode(Path.Combine(keys, file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        }

        var status = (await _cluster.TshAsync("dave", ["status", "-f", "json"])).EnsureSuccess("tsh status");
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            var active = json.RootElement.GetProperty("active");
            Assert.Equal($"https://{_cluster.ProxyAddress}", active.GetProperty("profile_url").GetString());
            Assert.Equal("ferry.test", active.GetProperty("cluster").GetString());
            var validUntil = active.GetProperty("valid_until").GetDateTimeOffset();
            Assert.InRange(validUntil - DateTimeOffset.UtcNow, TimeSpan.FromHours(11.9), TimeSpan.FromHours(12));
        }

        (await _cluster.TshAsync("dave", ["logout"])).EnsureSuccess("tsh logout");
        Assert.False(Directory.Exists(keys));
        Assert.Equal(3, (await _cluster.TshAsync("dave", ["status"])).ExitCode);
    }

    [Fact]
    public async Task Login_WithTtl_GetsAShorterCertificate()
    {
        await _cluster.AddUserAsync("erin", "access", Password);
        (await _cluster.TshAsync("erin", ["login", "--proxy=" + _cluster.ProxyAddress, "--user=erin", "--insecure", "--ttl=90m"], Password + "\n")).EnsureSuccess("login --ttl");

        var status = (await _cluster.TshAsync("erin", ["status", "-f", "json"])).EnsureSuccess("status");
        using var json = JsonDocument.Parse(status.Stdout);
        var remaining = json.RootElement.GetProperty("active").GetProperty("valid_until").GetDateTimeOffset() - DateTimeOffset.UtcNow;
        Assert.InRange(remaining, TimeSpan.FromMinutes(88), TimeSpan.FromMinutes(90));
    }

    [Fact]
    public async Task Login_WrongPasswordFiveTimes_LocksTheUser_AndTheAuditorSeesIt()
    {
        await _cluster.AddUserAsync("frank", "access", Password);
        for (var i = 0; i < 5; i++)
        {
            var failed = await _cluster.LoginAsync("frank", "not-the-password-at-all");
            Assert.Equal(3, failed.ExitCode);
            Assert.Contains("invalid user name, password or second factor code", failed.Stderr);
        }

        var locked = await _cluster.LoginAsync("frank", Password);
        Assert.Equal(3, locked.ExitCode);
        Assert.Contains("too many failed login attempts for this user; try again after", locked.Stderr);
        Assert.Contains("tctl users reset frank", locked.Stderr);

        var audit = (await _cluster.TctlLocalAsync(["audit", "ls", "--since=10m", "--type=lock.created", "--format=json"])).EnsureSuccess("audit ls");
        using var events = JsonDocument.Parse(audit.Stdout);
        Assert.Contains(events.RootElement.EnumerateArray(), e => e.GetProperty("name").GetString() == "frank" && e.GetProperty("code").GetString() == "T9006I");
        var failures = (await _cluster.TctlLocalAsync(["audit", "ls", "--since=10m", "--type=user.login", "--user=frank", "--format=json"])).EnsureSuccess("audit ls");
        using var failureEvents = JsonDocument.Parse(failures.Stdout);
        Assert.True(failureEvents.RootElement.GetArrayLength() >= 6);
        Assert.All(failureEvents.RootElement.EnumerateArray(), e => Assert.False(e.GetProperty("success").GetBoolean()));

        // Secrets never reach the logs.
        Assert.DoesNotContain(Password, _cluster.Process!.Output);
        Assert.DoesNotContain("not-the-password-at-all", _cluster.Process.Output);
    }

    [Fact]
    public async Task Login_UnknownUser_GetsTheSameAnswerAsAWrongPassword()
    {
        var result = await _cluster.LoginAsync("nobody-here", Password);

        Assert.Equal(3, result.ExitCode);
        Assert.Contains("invalid user name, password or second factor code", result.Stderr);
    }

    [Fact]
    public async Task Login_WrongPort_SaysTheClusterCannotBeReached()
    {
        var result = await _cluster.TshAsync("ghost", ["login", $"--proxy=127.0.0.1:{FreePort.Next()}", "--user=ghost", "--insecure"], "x\n");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("cannot reach the proxy", result.Stderr);
    }

    [Fact]
    public async Task Login_WithoutInsecure_RefusesTheSelfSignedProxy()
    {
        await _cluster.AddUserAsync("gina", "access", Password);
        var result = await _cluster.TshAsync("gina", ["login", "--proxy=" + _cluster.ProxyAddress, "--user=gina"], Password + "\n");

        Assert.Equal(5, result.ExitCode);
        Assert.Contains("--insecure", result.Stderr);
    }

    [Fact]
    public async Task AccessOnlyUser_CannotReadTheAuditLogOrCreateRoles()
    {
        await _cluster.AddUserAsync("hank", "access", Password);
        (await _cluster.LoginAsync("hank", Password)).EnsureSuccess("login");

        var audit = await _cluster.TctlAsAsync("hank", ["audit", "ls"]);
        Assert.Equal(3, audit.ExitCode);
        Assert.Contains("access denied to perform action \"list\" on \"event\"", audit.Stderr);

        await File.WriteAllTextAsync(Path.Combine(_cluster.HomeOf("hank"), "r.yaml"), "kind: role\nversion: v7\nmetadata:\n  name: hanks-role\n");
        var create = await _cluster.TctlAsAsync("hank", ["create", "r.yaml"]);
        Assert.Equal(3, create.ExitCode);

        // Reading one's own user resource is allowed (the guide's tctl get users/$(tsh status ...)).
        (await _cluster.TctlAsAsync("hank", ["get", "users/hank"])).EnsureSuccess("get own user");
        Assert.Equal(3, (await _cluster.TctlAsAsync("hank", ["get", "users/dave"])).ExitCode);
    }

    [Fact]
    public async Task ExpiredCertificate_IsRefusedByTheCluster()
    {
        await _cluster.AddUserAsync("ivan", "access,editor", Password);
        (await _cluster.TshAsync("ivan", ["login", "--proxy=" + _cluster.ProxyAddress, "--user=ivan", "--insecure", "--ttl=10s"], Password + "\n")).EnsureSuccess("login");
        (await _cluster.TctlAsAsync("ivan", ["get", "roles"])).EnsureSuccess("while valid");
        var status = (await _cluster.TshAsync("ivan", ["status", "-f", "json"])).EnsureSuccess("status");
        using (var json = JsonDocument.Parse(status.Stdout))
        {
            var validUntil = json.RootElement.GetProperty("active").GetProperty("valid_until").GetDateTimeOffset();
            var wait = validUntil - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(1);
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
        }

        var result = await _cluster.TctlAsAsync("ivan", ["get", "roles"]);
        Assert.Equal(3, result.ExitCode);
        Assert.Contains("expired", result.Stderr);
    }
}
