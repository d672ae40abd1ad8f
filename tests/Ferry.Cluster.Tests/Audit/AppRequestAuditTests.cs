using System.Text.Json;
using Ferry.Cluster.Audit;
using Ferry.Cluster.Tests.Infrastructure;
using Ferry.Core.Audit;
using Ferry.Core.Identity;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Cluster.Tests.Audit;

/// <summary>
/// Every app request produces exactly one audit event (src/Ferry.Cluster/Audit/AppRequestAudit.cs), however many hops
/// and error paths call Emit. Counted where it lands: the real batcher posts to a fake auth's POST /v1/events.
/// </summary>
public sealed class AppRequestAuditTests
{
    [Fact]
    public async Task Emit_CalledManyTimes_PostsExactlyOneEventWithTheFirstOutcome()
    {
        var (time, pki, server) = await StartAsync();
        await using var _ = server;
        using var __ = pki;
        var batcher = new AuditBatcher(server.Client(), NullLogger.Instance, "agent");
        var audit = new AppRequestAudit("agent", AppUser(time), "POST", "/", "x=1").Set("aws_service", "dynamodb");
        Assert.False(audit.Emitted);

        audit.Emit(batcher, TestPki.ClusterName, 403, "access is locked", time);
        audit.Emit(batcher, TestPki.ClusterName, 200, null, time);
        audit.Emit(batcher, TestPki.ClusterName, 502, "AWS unreachable", time);
        await batcher.DisposeAsync(); // drains the queue: everything emitted has been posted

        var posted = Assert.Single(server.PostedEvents);
        Assert.True(audit.Emitted);
        Assert.Equal(1, batcher.Sent);
        Assert.Equal(EventTypes.AppSessionRequest, posted.Type);
        Assert.Equal(EventTypes.Code(EventTypes.AppSessionRequest, false), posted.Code);
        Assert.Equal("alice", posted.User);
        Assert.False(posted.Success);
        Assert.Equal("access is locked", posted.Error);
        Assert.Equal(403, ((JsonElement)posted.Fields["status_code"]).GetInt32());
        Assert.Equal("aws-dynamodb", posted.GetField("app_name"));
        Assert.Equal("dynamodb", posted.GetField("aws_service"));
        Assert.Equal("x=1", posted.GetField("raw_query"));
    }

    [Fact]
    public async Task Emit_FromManyThreadsAtOnce_PostsOneEventPerRequest()
    {
        var (time, pki, server) = await StartAsync();
        await using var _ = server;
        using var __ = pki;
        var batcher = new AuditBatcher(server.Client(), NullLogger.Instance, "agent");
        var first = new AppRequestAudit("agent", AppUser(time), "GET", "/a", null);
        var second = new AppRequestAudit("agent", AppUser(time), "GET", "/b", null);
        using var start = new ManualResetEventSlim();

        var emitters = Enumerable.Range(0, 16).Select(i => Task.Run(() =>
        {
            start.Wait();
            (i % 2 == 0 ? first : second).Emit(batcher, TestPki.ClusterName, 200, null, time);
        })).ToArray();
        start.Set();
        await Wait.ForAsync(Task.WhenAll(emitters), "every Emit call");
        await batcher.DisposeAsync();

        Assert.Equal(2, server.PostedEvents.Count);
        Assert.Equal(["/a", "/b"], server.PostedEvents.Select(e => e.GetField("path") ?? "").Order().ToArray());
        Assert.All(server.PostedEvents, e => Assert.True(e.Success));
    }

    private static async Task<(FakeTimeProvider, TestPki, ClusterStateServer)> StartAsync()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var pki = new TestPki(time);
        return (time, pki, await ClusterStateServer.StartAsync(pki));
    }

    private static FerryIdentity AppUser(TimeProvider time) => TestPki.UserIdentity("alice", ["access"], time.GetUtcNow().AddHours(1)) with
    {
        RouteToApp = new RouteToApp { SessionId = "s-1", AppName = "aws-dynamodb", PublicAddr = "aws-dynamodb.proxy.test", ClusterName = TestPki.ClusterName },
    };
}
