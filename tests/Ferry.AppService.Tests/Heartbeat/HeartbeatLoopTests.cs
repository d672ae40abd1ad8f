using Ferry.AppService.Heartbeat;
using Ferry.AppService.Tests.Infrastructure;
using Ferry.Auth.Apps;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Microsoft.Extensions.Logging;

namespace Ferry.AppService.Tests.Heartbeat;

/// <summary>
/// The agent announcing its apps to the real auth API with its joined identity: what auth refuses is left out and
/// logged with auth's own words, an agent with nothing left to serve does not start, and a clean stop unlists it.
/// </summary>
public sealed class HeartbeatLoopTests : IAsyncLifetime
{
    private static readonly App Ledger = new()
    {
        Metadata = new ResourceMetadata { Name = "ledger" },
        Spec = new AppSpec { Uri = "https://console.aws.amazon.com/ledger/home", PublicAddr = "ledger.elsewhere.example", Cloud = "AWS" },
    };

    private readonly RecordingLogger _log = new();
    private InProcessAuth _auth = null!;

    public async Task InitializeAsync() => _auth = await InProcessAuth.StartAsync();

    public async Task DisposeAsync() => await _auth.DisposeAsync();

    public static TheoryData<string, string> Refusals => new()
    {
        { "wiki", "this agent (host {0}) may not serve app \"wiki\": it joined with a token for \"dynamo\", \"ledger\". Create a token for it with tctl tokens add --type=app --app-name=wiki" },
        { "ledger", "app \"ledger\" may not use public_addr \"ledger.elsewhere.example\": it must be a name under a proxy's public host (e.g. ledger.proxy.test)" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task AppAuthRefuses_IsLeftOut_AndLoggedWithAuthsReason(string refused, string reason)
    {
        var agent = await _auth.JoinAppAgentAsync(TestApps.Dynamo.Name, Ledger.Name);
        var apps = new[] { TestApps.Dynamo, refused == "wiki" ? TestApps.Wiki : Ledger };
        using var client = _auth.Client(agent.Certificate);
        await using var heartbeat = new HeartbeatLoop(client, Options(apps), agent.HostId, _log);

        await heartbeat.StartAsync(CancellationToken.None);

        Assert.Equal([refused], heartbeat.Refused);
        var line = Assert.Single(_log.Lines, l => l.Level == LogLevel.Error);
        Assert.StartsWith($"Auth refused to list app {refused}: " + string.Format(System.Globalization.CultureInfo.InvariantCulture, reason, agent.HostId), line.Message, StringComparison.Ordinal);
        var listed = Assert.Single(await _auth.Server.AppServers.ListAsync(CancellationToken.None));
        Assert.Equal((TestApps.Dynamo.Name, agent.HostId), (listed.Spec.App.Name, listed.Spec.HostId));
    }

    [Fact]
    public async Task EveryAppRefused_StartFails_WithAuthsReason()
    {
        var agent = await _auth.JoinAppAgentAsync("billing");
        using var client = _auth.Client(agent.Certificate);
        await using var heartbeat = new HeartbeatLoop(client, Options([TestApps.Dynamo, TestApps.Wiki]), agent.HostId, _log);

        var failure = await Assert.ThrowsAsync<FerryException>(() => heartbeat.StartAsync(CancellationToken.None));

        Assert.Equal(ErrorKind.AccessDenied, failure.Kind);
        Assert.StartsWith($"this agent (host {agent.HostId}) may not serve app \"dynamo\": it joined with a token for \"billing\".", failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, _log.Lines.Count(l => l.Level == LogLevel.Error)); // each app's refusal is in the log, not only the first
        Assert.Empty(await _auth.Server.AppServers.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_UnlistsTheAgentsApps_AtOnce()
    {
        var agent = await _auth.JoinAppAgentAsync(TestApps.Dynamo.Name, TestApps.Wiki.Name);
        using var client = _auth.Client(agent.Certificate);
        var heartbeat = new HeartbeatLoop(client, Options([TestApps.Dynamo, TestApps.Wiki]), agent.HostId, _log);
        await heartbeat.StartAsync(CancellationToken.None);
        Assert.Equal(2, (await _auth.Server.AppServers.ListAsync(CancellationToken.None)).Count);

        await heartbeat.DisposeAsync();

        Assert.Empty(await _auth.Server.AppServers.ListAsync(CancellationToken.None)); // not after the heartbeat TTL: now
        Assert.Null(await _auth.Server.AppServers.FindAppAsync(TestApps.Dynamo.Name, CancellationToken.None));
    }

    [Fact]
    public async Task RunningAgent_RenewsItsHeartbeat_SoTheAppStaysListed()
    {
        var agent = await _auth.JoinAppAgentAsync(TestApps.Dynamo.Name);
        using var client = _auth.Client(agent.Certificate);
        await using var heartbeat = new HeartbeatLoop(client, Options([TestApps.Dynamo], TimeSpan.FromMilliseconds(50)), agent.HostId, _log);
        await heartbeat.StartAsync(CancellationToken.None);

        // Most of the heartbeat's lifetime passes on auth's clock; the loop's next beat must push the expiry out again.
        _auth.Time.Advance(AppServerService.HeartbeatTtl - TimeSpan.FromSeconds(10));
        var renewedUntil = _auth.Time.GetUtcNow() + AppServerService.HeartbeatTtl;
        await Wait.UntilAsync(
            async () => (await _auth.Server.AppServers.ListAsync(CancellationToken.None)).SingleOrDefault()?.Metadata.Expires == renewedUntil,
            "the heartbeat is renewed on auth's advanced clock");
    }

    [Fact]
    public async Task RefusedApp_IsNotAnnouncedAgain_WhileTheAcceptedOneIsRenewed()
    {
        var agent = await _auth.JoinAppAgentAsync(TestApps.Dynamo.Name);
        using var client = _auth.Client(agent.Certificate);
        // Wiki first: a beat that still announced it would log its refusal before renewing dynamo.
        await using var heartbeat = new HeartbeatLoop(client, Options([TestApps.Wiki, TestApps.Dynamo], TimeSpan.FromMilliseconds(50)), agent.HostId, _log);
        await heartbeat.StartAsync(CancellationToken.None);

        _auth.Time.Advance(AppServerService.HeartbeatTtl - TimeSpan.FromSeconds(10));
        var renewedUntil = _auth.Time.GetUtcNow() + AppServerService.HeartbeatTtl;
        await Wait.UntilAsync(
            async () => (await _auth.Server.AppServers.ListAsync(CancellationToken.None)).SingleOrDefault()?.Metadata.Expires == renewedUntil,
            "the accepted app's heartbeat is renewed");

        // A renewing beat has run: the refusal was logged once, at start, and wiki was never listed.
        Assert.Single(_log.Lines, l => l.Level == LogLevel.Error);
        Assert.Equal([TestApps.Dynamo.Name], (await _auth.Server.AppServers.ListAsync(CancellationToken.None)).Select(s => s.Spec.App.Name));
    }

    private static AppServiceOptions Options(IReadOnlyList<App> apps, TimeSpan? interval = null) => new()
    {
        ProxyAddress = "unused:3080",
        DataDir = "unused",
        NodeName = "agent",
        Apps = apps,
        HeartbeatInterval = interval ?? TimeSpan.FromSeconds(20),
    };
}
