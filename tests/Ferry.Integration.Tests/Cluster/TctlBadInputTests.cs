using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Cluster;

/// <summary>Bad input to tctl gets a specific error, a non-zero exit code, no stack trace, and changes nothing.</summary>
public sealed class TctlBadInputTests : IClassFixture<ClusterFixture>
{
    private readonly TestCluster _cluster;

    public TctlBadInputTests(ClusterFixture fixture)
    {
        _cluster = fixture.Cluster;
    }

    [Theory]
    [InlineData("malformed", "kind: role\nversion: v5\nmetadata:\n  name: broken\nspec:\n  allow: [unclosed\n", "line")]
    [InlineData("unknown-kind", "kind: rolee\nversion: v5\nmetadata:\n  name: broken\n", "unknown resource kind \"rolee\"")]
    [InlineData("bad-version", "kind: role\nversion: v9\nmetadata:\n  name: broken\n", "v9")]
    [InlineData("bad-arn", "kind: role\nversion: v5\nmetadata:\n  name: broken\nspec:\n  allow:\n    app_labels:\n      '*': '*'\n    aws_role_arns:\n    - arn:aws:iam::12345:role/Short\n", "aws_role_arns[0]")]
    [InlineData("bad-regex", "kind: role\nversion: v5\nmetadata:\n  name: broken\nspec:\n  allow:\n    app_labels:\n      env: '^(prod$'\n", "app_labels")]
    [InlineData("bad-template", "kind: role\nversion: v5\nmetadata:\n  name: broken\nspec:\n  allow:\n    aws_role_arns:\n    - '{{internal.aws_role_arns'\n", "aws_role_arns[0]")]
    [InlineData("typo", "kind: role\nversion: v5\nmetadata:\n  name: broken\nspec:\n  allow:\n    app_lables:\n      '*': '*'\n", "did you mean \"app_labels\"")]
    public async Task Create_BadRoleFile_FailsWithASpecificErrorAndCreatesNothing(string name, string yaml, string expected)
    {
        var path = Path.Combine(_cluster.Directory, name + ".yaml");
        await File.WriteAllTextAsync(path, yaml);

        var result = await _cluster.TctlLocalAsync(["create", path]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.StartsWith("ERROR: ", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        var roles = await _cluster.TctlLocalAsync(["get", "roles", "--format", "text"]);
        Assert.DoesNotContain("broken", roles.Stdout);
    }

    [Fact]
    public async Task Create_SecondDocumentBad_NothingFromTheFileLands()
    {
        var path = Path.Combine(_cluster.Directory, "two.yaml");
        await File.WriteAllTextAsync(path, "kind: role\nversion: v5\nmetadata:\n  name: first-ok\n---\nkind: role\nversion: v5\nmetadata:\n  name: second\nspec:\n  allow:\n    aws_role_arns: [nope]\n");

        var result = await _cluster.TctlLocalAsync(["create", path]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.DoesNotContain("first-ok", (await _cluster.TctlLocalAsync(["get", "roles", "--format", "text"])).Stdout);
    }

    [Fact]
    public async Task Create_ExistingRoleWithoutForce_SaysToUseForce_AndWithForceOverwrites()
    {
        var path = Path.Combine(_cluster.Directory, "dup.yaml");
        await File.WriteAllTextAsync(path, "kind: role\nversion: v7\nmetadata:\n  name: dup\nspec:\n  options:\n    max_session_ttl: 2h\n");
        (await _cluster.TctlLocalAsync(["create", path])).EnsureSuccess("first create");

        var again = await _cluster.TctlLocalAsync(["create", path]);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("role \"dup\" already exists; use --force (-f) to overwrite it", again.Stderr);

        await File.WriteAllTextAsync(path, "kind: role\nversion: v7\nmetadata:\n  name: dup\nspec:\n  options:\n    max_session_ttl: 3h\n");
        (await _cluster.TctlLocalAsync(["create", "--force", path])).EnsureSuccess("create --force");
        Assert.Contains("max_session_ttl: 3h0m0s", (await _cluster.TctlLocalAsync(["get", "role/dup"])).Stdout);
    }

    [Fact]
    public async Task Create_FromStdin_Works()
    {
        var result = await _cluster.TctlLocalAsync(["create"], "kind: role\nversion: v6\nmetadata:\n  name: from-stdin\n");

        result.EnsureSuccess("tctl create from stdin");
        Assert.Contains("from-stdin", (await _cluster.TctlLocalAsync(["get", "roles", "--format", "json"])).Stdout);
    }

    [Fact]
    public async Task Get_UnknownUser_IsNotFoundWithExitCode4()
    {
        var result = await _cluster.TctlLocalAsync(["get", "users/nobody"]);

        Assert.Equal(4, result.ExitCode);
        Assert.Contains("user \"nobody\" not found", result.Stderr);
    }

    [Fact]
    public async Task Get_UnknownKind_ListsTheKnownOnes()
    {
        var result = await _cluster.TctlLocalAsync(["get", "nodes"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("use one of: roles, users, tokens", result.Stderr);
    }

    [Fact]
    public async Task UsersAdd_UnknownRole_NamesItAndCreatesNoUser()
    {
        var result = await _cluster.TctlLocalAsync(["users", "add", "carol", "--roles=access,superuser", "--password-stdin"], "correct-horse-battery-staple\n");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("\"superuser\"", result.Stderr);
        Assert.Equal(4, (await _cluster.TctlLocalAsync(["get", "users/carol"])).ExitCode);
    }

    [Fact]
    public async Task UsageError_ExitsWith2()
    {
        var result = await _cluster.TctlLocalAsync(["users", "add"]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("ERROR:", result.Stderr);
    }

    [Theory]
    [InlineData("nohost:notaport", "--auth-server \"nohost:notaport\"")]
    [InlineData(":3025", "a host is required")]
    public async Task AuthServer_BadAddress_SaysHowToWriteIt(string address, string expected)
    {
        var result = await _cluster.TctlLocalAsync(["--auth-server", address, "status"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(expected, result.Stderr);
        Assert.Contains("write host:port", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task AuthServer_WithoutTheAuthHostsConfig_SaysItNeedsIt()
    {
        await _cluster.AddUserAsync("tess", "access,editor", "correct-horse-battery-staple");
        (await _cluster.LoginAsync("tess", "correct-horse-battery-staple")).EnsureSuccess("tsh login");

        var result = await _cluster.TctlAsAsync("tess", ["--auth-server", $"127.0.0.1:{_cluster.AuthPort}", "status"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--auth-server needs the auth host's teleport.yaml (-c)", result.Stderr);
    }
}
