using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ferry.Client.Http;
using Ferry.Core.Resources;
using Ferry.Integration.Tests.Infrastructure;
using Ferry.Tunnel.Agent;
using Microsoft.AspNetCore.Builder;

namespace Ferry.Integration.Tests.Trust;

/// <summary>
/// A second agent joined with an ordinary app token (for another app) tries every trick of the trust issue: the real
/// app's name, the proxy's own host as public_addr, a foreign public_addr, a chosen host id, a tunnel that claims the
/// real app. Each is refused with a clear error, nothing of the real app's traffic reaches it, and the real app and
/// `tsh login` keep working.
/// </summary>
public sealed class RogueAgentTests : IClassFixture<AwsClusterFixture>
{
    private readonly AwsCluster _aws;

    public RogueAgentTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task AnnouncingTheRealAppsName_WithATokenForAnotherApp_IsRefused_AndTheRealAppKeepsWorking()
    {
        var token = await TokenAsync("grafana");
        var output = await RunRogueAsync(token, "--name=" + AwsCluster.AppName, "--uri=https://evil.example.com/");

        Assert.Contains($"may not serve app \"{AwsCluster.AppName}\"", output);
        Assert.Contains($"tctl tokens add --type=app --app-name={AwsCluster.AppName}", output);
        await AssertOnlyTheRealAgentServesAsync();
        await AssertTheRealAppWorksAsync("rex");
    }

    [Fact]
    public async Task SameName_WithATokenForIt_ButAnotherDefinition_IsRefusedNotMerged()
    {
        var token = await TokenAsync(AwsCluster.AppName);
        var output = await RunRogueAsync(token, "--name=" + AwsCluster.AppName, "--uri=https://evil.example.com/");

        Assert.Contains("different definition", output);
        await AssertOnlyTheRealAgentServesAsync();
        await AssertTheRealAppWorksAsync("ruth");
    }

    [Fact]
    public async Task TheProxysOwnHostAsPublicAddr_IsRefused_AndTheProxyKeepsServingItsOwnEndpoints()
    {
        // The proxy's node name is one of its hosts (its certificate names it); the agent's config accepts it.
        var token = await TokenAsync("grafana");
        var output = await RunRogueAsync(token, "--name=grafana", "--uri=http://127.0.0.1:9/", "--public-addr=ferry-test");
        Assert.Contains("that is a proxy's own address", output);

        // The proxy's public IP is refused by the agent's own config check, so send that heartbeat by hand.
        var rogue = await JoinAsync(await TokenAsync("grafana"), chosenHostId: null);
        using var auth = AuthClientFor(rogue.Certificate);
        var refused = await Assert.ThrowsAsync<Ferry.Core.Errors.FerryException>(() => auth.HeartbeatAsync(GrafanaHeartbeat(rogue.HostId, publicAddr: "127.0.0.1"), CancellationToken.None));
        Assert.Contains("that is a proxy's own address", refused.Message);

        using var http = TestCluster.InsecureHttp();
        var ping = await http.GetFromJsonAsync<JsonElement>($"https://{_aws.Cluster.ProxyAddress}/v1/webapi/ping");
        Assert.Equal("ferry.test", ping.GetProperty("cluster_name").GetString());
        using var page = await http.GetAsync($"https://{_aws.Cluster.ProxyAddress}/web/login");
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        await _aws.Cluster.AddUserAsync("rita", "access", AwsCluster.Password);
        (await _aws.Cluster.LoginAsync("rita", AwsCluster.Password)).EnsureSuccess("tsh login after the rogue tried");
    }

    [Fact]
    public async Task AForeignPublicAddr_IsRefused()
    {
        var token = await TokenAsync("grafana");
        var output = await RunRogueAsync(token, "--name=grafana", "--uri=http://127.0.0.1:9/", "--public-addr=bank.example.com");

        Assert.Contains("may not use public_addr \"bank.example.com\"", output);
        Assert.DoesNotContain("grafana", (await _aws.Cluster.TctlLocalAsync(["apps", "ls"])).EnsureSuccess("apps ls").Stdout);
    }

    [Fact]
    public async Task AChosenHostId_IsIgnoredAtJoinAndInHeartbeats()
    {
        var realHost = (await RealAgentHostIdsAsync()).Single();
        var rogue = await JoinAsync(await TokenAsync("grafana"), chosenHostId: realHost);
        Assert.NotEqual(realHost, rogue.HostId);

        using var auth = AuthClientFor(rogue.Certificate);
        await auth.HeartbeatAsync(GrafanaHeartbeat(claimedHostId: realHost), CancellationToken.None);

        var servers = await AppServersAsync();
        Assert.Contains(servers, s => s.App == "grafana" && s.HostId == rogue.HostId);
        Assert.DoesNotContain(servers, s => s.App == "grafana" && s.HostId == realHost);
        Assert.Equal([realHost], servers.Where(s => s.App == AwsCluster.AppName).Select(s => s.HostId));
        await auth.RemoveAppServerAsync("grafana", CancellationToken.None);
    }

    [Fact]
    public async Task ATunnelClaimingTheRealApp_GetsNoneOfItsTraffic()
    {
        var rogue = await JoinAsync(await TokenAsync("grafana"), chosenHostId: null);
        using var auth = AuthClientFor(rogue.Certificate);
        await auth.HeartbeatAsync(GrafanaHeartbeat(claimedHostId: rogue.HostId), CancellationToken.None);

        var received = 0;
        await using var tunnel = new TunnelClient(new TunnelClientOptions
        {
            ProxyUrl = new Uri($"https://{_aws.Cluster.ProxyAddress}"),
            ClientCertificate = rogue.Certificate,
            ServerCertificateValidation = (_, _, _) => true,
            AgentId = (await RealAgentHostIdsAsync()).Single(), // a lie: the proxy goes by the certificate
            Services = [AwsCluster.AppName],
        });
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTunnel(tunnel);
        await using var app = builder.Build();
        app.Run(context =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        });
        await app.StartAsync();
        await tunnel.WaitUntilConnectedAsync().WaitAsync(TimeSpan.FromSeconds(30));

        await _aws.AddLoggedInUserAsync("rufus", "access,aws-dynamodb-access");
        for (var i = 0; i < 8; i++)
        {
            (await _aws.TshAwsAsync("rufus", "dynamodb", "list-tables")).EnsureSuccess("through the real agent");
        }

        Assert.Equal(0, Volatile.Read(ref received));
        await app.StopAsync();
        await auth.RemoveAppServerAsync("grafana", CancellationToken.None);
    }

    private async Task<string> TokenAsync(string appName) =>
        (await _aws.Cluster.TctlLocalAsync(["tokens", "add", "--type=app", "--app-name=" + appName, "--format=text"])).EnsureSuccess("tokens add").Stdout.Trim();

    /// <summary>Runs `teleport app start` as the rogue; auth refuses its only app, so it must exit with the reason.</summary>
    private async Task<string> RunRogueAsync(string token, params string[] app)
    {
        await using var rogue = TeleportProcess.StartRaw(
            ["app", "start", "--token=" + token, "--auth-server=" + _aws.Cluster.ProxyAddress, "--insecure", "--nodename=rogue",
             "--data-dir=" + Path.Combine(_aws.Cluster.Directory, "rogue-" + Guid.NewGuid().ToString("N")[..8]), .. app],
            _aws.AgentEnvironment());
        Assert.True(await rogue.WaitForExitAsync(TimeSpan.FromSeconds(60)), "the rogue agent kept running although auth refused its app:\n" + rogue.Output);
        Assert.NotEqual(0, rogue.ExitCode);
        return rogue.Output;
    }

    private async Task AssertOnlyTheRealAgentServesAsync()
    {
        var servers = await AppServersAsync();
        var real = Assert.Single(servers, s => s.App == AwsCluster.AppName);
        Assert.Equal("agent-1", real.Hostname);
        Assert.Equal(AwsCluster.AppUri, real.Uri);
    }

    private async Task AssertTheRealAppWorksAsync(string user)
    {
        await _aws.AddLoggedInUserAsync(user, "access,aws-dynamodb-access");
        var identity = (await _aws.TshAwsAsync(user, "sts", "get-caller-identity")).EnsureSuccess("the real app after the rogue tried");
        Assert.Contains($"assumed-role/ExampleTeleportDynamoDBRole/{user}", identity.Stdout);
    }

    private async Task<IReadOnlyList<string>> RealAgentHostIdsAsync() =>
        (await AppServersAsync()).Where(s => s.App == AwsCluster.AppName).Select(s => s.HostId).ToList();

    private async Task<IReadOnlyList<(string App, string HostId, string Hostname, string Uri)>> AppServersAsync()
    {
        var json = (await _aws.Cluster.TctlLocalAsync(["apps", "ls", "--format=json"])).EnsureSuccess("apps ls").Stdout;
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateArray().Select(s =>
        {
            var spec = s.GetProperty("spec");
            var app = spec.GetProperty("app");
            return (app.GetProperty("metadata").GetProperty("name").GetString()!, spec.GetProperty("host_id").GetString()!,
                spec.GetProperty("hostname").GetString()!, app.GetProperty("spec").GetProperty("uri").GetString()!);
        }).ToList();
    }

    /// <summary>A raw join, as a hostile host would send it (with a host_id field of its choosing).</summary>
    private async Task<(string HostId, X509Certificate2 Certificate)> JoinAsync(string token, string? chosenHostId)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var http = TestCluster.InsecureHttp();
        var body = new Dictionary<string, object?>
        {
            ["token"] = token, ["role"] = "App", ["node_name"] = "rogue", ["public_key"] = key.ExportSubjectPublicKeyInfoPem(), ["host_id"] = chosenHostId,
            ["dns_names"] = new[] { "127.0.0.1" },
        };
        using var response = await http.PostAsJsonAsync($"https://{_aws.Cluster.ProxyAddress}/v1/webapi/join", body);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        var joined = await response.Content.ReadFromJsonAsync<JsonElement>();
        using var certificate = X509Certificate2.CreateFromPem(joined.GetProperty("cert_pem").GetString()!);
        Assert.Null(certificate.Extensions["2.5.29.17"]); // the names it asked for were not granted
        return (joined.GetProperty("host_id").GetString()!, certificate.CopyWithPrivateKey(key));
    }

    private AuthClient AuthClientFor(X509Certificate2 certificate) =>
        new(new ApiCaller(FerryHttp.CreateClient(new Uri($"https://{_aws.Cluster.ProxyAddress}/v1/auth/"), new ServerTrust(true, null), certificate), "auth"));

    private static AppServer GrafanaHeartbeat(string claimedHostId, string publicAddr = "grafana.127.0.0.1") => new()
    {
        Metadata = new ResourceMetadata { Name = "grafana" },
        Spec = new AppServerSpec
        {
            HostId = claimedHostId,
            Hostname = "rogue",
            App = new App { Metadata = new ResourceMetadata { Name = "grafana" }, Spec = new AppSpec { Uri = "http://127.0.0.1:9/", PublicAddr = publicAddr } },
        },
    };
}
