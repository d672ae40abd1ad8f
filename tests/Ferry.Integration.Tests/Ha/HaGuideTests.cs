using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Ha;

/// <summary>
/// The guide's Steps 2–5 against the HA topology (two auth servers on PostgreSQL, two proxies and two agents behind
/// haproxy): users and agents know only the balancer's address, and every part of the cluster serves them.
/// </summary>
public sealed class HaGuideTests : IClassFixture<HaClusterFixture>
{
    private readonly HaCluster _ha;

    public HaGuideTests(HaClusterFixture fixture)
    {
        _ha = fixture.Ha;
    }

    [Fact]
    public async Task GuideSteps_ThroughTheBalancer_ReachAwsAsTheRole()
    {
        await _ha.AddLoggedInUserAsync("hana", "access,aws-dynamodb-access");

        var identity = (await _ha.Cli.TshAsync("hana", ["aws", "sts", "get-caller-identity"])).EnsureSuccess("tsh aws through the balancer\n" + _ha.Logs());
        Assert.Contains("assumed-role/ExampleTeleportDynamoDBRole/hana", identity.Stdout);
        var tables = (await _ha.Cli.TshAsync("hana", ["aws", "dynamodb", "list-tables"])).EnsureSuccess("list-tables");
        Assert.Contains(AwsSandbox.Table, tables.Stdout);

        var apps = (await _ha.Cli.TctlLocalAsync(["apps", "ls", "--format=json"])).EnsureSuccess("apps ls");
        using var servers = JsonDocument.Parse(apps.Stdout);
        Assert.Equal(["agent1", "agent2"], servers.RootElement.EnumerateArray().Select(s => s.GetProperty("spec").GetProperty("hostname").GetString()).Order());
    }
}
