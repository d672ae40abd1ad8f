using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Cluster;

/// <summary>The signup link printed by tctl users add/reset works against the proxy's API (the web page comes later).</summary>
public sealed class SignupTests : IClassFixture<ClusterFixture>
{
    private readonly TestCluster _cluster;

    public SignupTests(ClusterFixture fixture)
    {
        _cluster = fixture.Cluster;
    }

    [Fact]
    public async Task UsersAdd_PrintsAnInviteLink_ThatSetsThePasswordOnce()
    {
        var added = (await _cluster.TctlLocalAsync(["users", "add", "jane", "--roles=access"])).EnsureSuccess("users add");
        Assert.Contains("link is valid for 1h", added.Stdout);
        var url = Regex.Match(added.Stdout, @"https://\S+/web/invite/(?<token>[0-9a-f]{64})");
        Assert.True(url.Success, added.Stdout);
        Assert.StartsWith($"https://{_cluster.ProxyAddress}/web/invite/", url.Value);
        var token = url.Groups["token"].Value;

        using var http = TestCluster.InsecureHttp();
        var info = await http.GetFromJsonAsync<JsonElement>($"https://{_cluster.ProxyAddress}/v1/webapi/signup/{token}");
        Assert.Equal("jane", info.GetProperty("user").GetString());

        var shortPassword = await http.PostAsJsonAsync($"https://{_cluster.ProxyAddress}/v1/webapi/signup/{token}", new { password = "short" });
        Assert.Equal(400, (int)shortPassword.StatusCode);

        var done = await http.PostAsJsonAsync($"https://{_cluster.ProxyAddress}/v1/webapi/signup/{token}", new { password = "janes-long-password" });
        Assert.True(done.IsSuccessStatusCode, await done.Content.ReadAsStringAsync());
        (await _cluster.LoginAsync("jane", "janes-long-password")).EnsureSuccess("login with the new password");

        var again = await http.PostAsJsonAsync($"https://{_cluster.ProxyAddress}/v1/webapi/signup/{token}", new { password = "another-long-password" });
        Assert.Equal(404, (int)again.StatusCode);
        Assert.Contains("invalid or has expired", await again.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UsersReset_InvalidatesThePassword_AndPrintsANewLink()
    {
        await _cluster.AddUserAsync("kyle", "access", "kyles-first-password");

        var reset = (await _cluster.TctlLocalAsync(["users", "reset", "kyle"])).EnsureSuccess("users reset");

        Assert.Matches(@"https://\S+/web/reset/[0-9a-f]{64}", reset.Stdout);
        Assert.Equal(3, (await _cluster.LoginAsync("kyle", "kyles-first-password")).ExitCode);
    }
}
