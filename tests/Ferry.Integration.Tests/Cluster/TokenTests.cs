using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Cluster;

/// <summary>Join tokens are secrets: hidden unless asked for, and checked the same way whichever command makes them.</summary>
public sealed class TokenTests : IClassFixture<ClusterFixture>
{
    private readonly TestCluster _cluster;

    public TokenTests(ClusterFixture fixture)
    {
        _cluster = fixture.Cluster;
    }

    [Fact]
    public async Task GetTokens_HidesValues_UnlessWithSecrets()
    {
        var value = (await _cluster.TctlLocalAsync(["tokens", "add", "--type=app", "--app-name=grafana", "--format=text"])).EnsureSuccess("tokens add").Stdout.Trim();

        var hidden = (await _cluster.TctlLocalAsync(["get", "tokens"])).EnsureSuccess("get tokens");
        Assert.DoesNotContain(value, hidden.Stdout);
        Assert.Contains("name: '**********'", hidden.Stdout.Replace("\"", "'", StringComparison.Ordinal));
        Assert.Contains("- grafana", hidden.Stdout);

        var shown = (await _cluster.TctlLocalAsync(["get", "tokens", "--with-secrets"])).EnsureSuccess("get tokens --with-secrets");
        Assert.Contains(value, shown.Stdout);
    }

    [Fact]
    public async Task GetTokens_ByAnAuditor_IsRefused_AndWithSecretsNeedsRead()
    {
        await _cluster.AddUserAsync("tobi", "auditor", "correct-horse-battery-staple");
        (await _cluster.LoginAsync("tobi", "correct-horse-battery-staple")).EnsureSuccess("login");

        var listed = await _cluster.TctlAsAsync("tobi", ["get", "tokens"]);

        Assert.NotEqual(0, listed.ExitCode);
        Assert.Contains("access denied", listed.Stderr);
    }

    [Theory]
    [InlineData("roles: [App]\n  app_names: [grafana]", "metadata:\n  name: short", "a token value must be 16 to 128 characters")]
    [InlineData("roles: [App]", "metadata:\n  name: 0123456789abcdef0123", "an App token must name the apps")]
    [InlineData("roles: [App]\n  app_names: [grafana]", "metadata:\n  name: 0123456789abcdef0124\n  expires: \"2099-01-01T00:00:00Z\"", "token ttl must be between 1s and 168h")]
    public async Task CreateTokenFromAFile_GetsTheSameChecksAsTokensAdd(string spec, string metadata, string expected)
    {
        var file = Path.Combine(_cluster.Directory, "token-" + Guid.NewGuid().ToString("N")[..6] + ".yaml");
        await File.WriteAllTextAsync(file, $"kind: token\nversion: v2\n{metadata}\nspec:\n  {spec}\n");

        var created = await _cluster.TctlLocalAsync(["create", "-f", file]);

        Assert.NotEqual(0, created.ExitCode);
        Assert.Contains(expected, created.Stderr);
        var tokens = (await _cluster.TctlLocalAsync(["tokens", "ls", "--format=json"])).EnsureSuccess("tokens ls");
        using var document = JsonDocument.Parse(tokens.Stdout);
        Assert.DoesNotContain(document.RootElement.EnumerateArray(), t => t.GetProperty("metadata").GetProperty("name").GetString() is "short" or "0123456789abcdef0123" or "0123456789abcdef0124");
    }

    [Fact]
    public async Task TokensAdd_ForAnAppWithoutAppName_SaysHowToNameIt()
    {
        var result = await _cluster.TctlLocalAsync(["tokens", "add", "--type=app"]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--app-name=NAME", result.Stderr);
    }

    [Fact]
    public async Task LoginWithInsecure_IsNotRemembered_ButLaterCommandsStillVerifyTheProxy()
    {
        await _cluster.AddUserAsync("ulla", "access", "correct-horse-battery-staple");
        (await _cluster.LoginAsync("ulla", "correct-horse-battery-staple")).EnsureSuccess("login --insecure");

        var profile = await File.ReadAllTextAsync(Path.Combine(_cluster.HomeOf("ulla"), ".tsh", "127.0.0.1.yaml"));
        Assert.DoesNotContain("insecure", profile);
        (await _cluster.TshAsync("ulla", ["apps", "ls"])).EnsureSuccess("apps ls verifies the proxy with the learnt CA and its Proxy role");
    }
}
