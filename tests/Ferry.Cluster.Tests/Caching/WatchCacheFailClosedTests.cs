using Ferry.Cluster.Caching;
using Ferry.Cluster.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Locks;
using Ferry.Core.Resources;

namespace Ferry.Cluster.Tests.Caching;

/// <summary>
/// Caches fail closed (docs/security.md): a watch cache fed by a real HTTPS feed is fresh while auth's events and pings
/// arrive, stale once nothing arrived for more than <see cref="WatchTiming.StaleAfter"/> (on the fake clock), and after a
/// reconnect trusted again only once it has re-read everything. The gate refuses users, never hosts, while stale.
/// The fake clock moves only when a test advances it, so a cache touched while the test waits was touched "now".
/// </summary>
public sealed class WatchCacheFailClosedTests
{
    private const string StaleText = "cluster state is stale";

    [Fact]
    public async Task IsStale_BeforeTheFirstLoad_IsTrue()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow);
        using var pki = new TestPki(time);
        await using var server = await ClusterStateServer.StartAsync(pki);
        await using var locks = ClusterCaches.Locks(server.Client, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, time);
        locks.Start();
        var feed = await server.NextFeedAsync(LockKeys.LockPrefix);
        feed.Ping(); // a ping before "init" says nothing about the contents

        Assert.True(locks.IsStale);
        Assert.Equal(ErrorKind.Unavailable, Assert.Throws<FerryException>(locks.RequireFresh).Kind);
        Assert.False(locks.Ready.IsCompleted);
    }

    [Fact]
    public async Task IsStale_AfterInitAndPings_IsFalse()
    {
        await using var cluster = await CachedCluster.StartAsync();
        AssertFresh(cluster);

        for (var round = 0; round < 3; round++)
        {
            cluster.Time.Advance(WatchTiming.StaleAfter + TimeSpan.FromSeconds(1));
            Assert.True(cluster.Locks.IsStale);
            cluster.PingAll();
            await WaitFreshAsync(cluster);
        }

        Assert.Null(cluster.Gate.Refusal(User(cluster, "alice")));
    }

    [Fact]
    public async Task IsStale_SilentForExactlyStaleAfter_IsFalseAndOneTickLaterTrue()
    {
        await using var cluster = await CachedCluster.StartAsync();

        cluster.Time.Advance(WatchTiming.StaleAfter);
        AssertFresh(cluster);

        cluster.Time.Advance(TimeSpan.FromTicks(1));
        Assert.True(cluster.Locks.IsStale);
        Assert.True(cluster.Revocations.IsStale);
        Assert.True(cluster.Roles.IsStale);
    }

    [Fact]
    public async Task Refusal_StaleCaches_RefusesUsersAsUnavailableButNotHosts()
    {
        await using var cluster = await CachedCluster.StartAsync();
        cluster.Time.Advance(TimeSpan.FromSeconds(8));
        Assert.Null(cluster.Gate.Refusal(User(cluster, "alice")));

        cluster.Time.Advance(TimeSpan.FromSeconds(3)); // 11 s without a word

        var refusal = cluster.Gate.Refusal(User(cluster, "alice"));
        Assert.Equal(ErrorKind.Unavailable, refusal?.Kind);
        Assert.Contains(StaleText, refusal?.Message, StringComparison.Ordinal);
        Assert.Null(cluster.Gate.Refusal(TestPki.HostIdentity("agent-1", SystemRoles.App, cluster.Time.GetUtcNow().AddDays(1))));
        Assert.Contains(StaleText, Assert.Throws<FerryException>(cluster.Locks.RequireFresh).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusal_OnlyTheRolesCacheStale_RefusesUsersNamingIt()
    {
        await using var cluster = await CachedCluster.StartAsync();
        cluster.Time.Advance(WatchTiming.StaleAfter + TimeSpan.FromSeconds(1));

        cluster.LocksFeed.Ping();
        cluster.RevocationsFeed.Ping();
        await Wait.UntilAsync(() => !cluster.Locks.IsStale && !cluster.Revocations.IsStale, "the pings of locks and revocations");

        var refusal = cluster.Gate.Refusal(User(cluster, "alice"));
        Assert.Equal(ErrorKind.Unavailable, refusal?.Kind);
        Assert.Contains(StaleText, refusal?.Message, StringComparison.Ordinal);
        Assert.Contains(ClusterCaches.RolePrefix, refusal?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task IsStale_AfterReconnect_FreshOnlyOnceEverythingWasReadAgain()
    {
        await using var cluster = await CachedCluster.StartAsync();
        Assert.Equal(1, cluster.Server.Loads("locks"));
        var alice = User(cluster, "alice");

        // Auth goes away; while it is gone a lock is written that no feed announces.
        cluster.LocksFeed.End();
        cluster.Server.Locks["while-away"] = CachedCluster.UserLock("while-away", "alice", "written while the feed was down");
        var again = await cluster.Server.NextFeedAsync(LockKeys.LockPrefix);
        cluster.Time.Advance(WatchTiming.StaleAfter + TimeSpan.FromSeconds(1));
        cluster.RevocationsFeed.Ping();
        cluster.RolesFeed.Ping();
        await Wait.UntilAsync(() => !cluster.Revocations.IsStale && !cluster.Roles.IsStale, "the other caches' pings");
        Assert.True(cluster.Locks.IsStale);

        // The feed is back: a ping, then init; the re-read is held at the list endpoint.
        cluster.Server.HoldLoads();
        again.Ping();
        again.Init();
        await Wait.UntilAsync(() => cluster.Server.Loads("locks") == 2, "the loader to read the locks again");
        Assert.True(cluster.Locks.IsStale);
        Assert.Contains(StaleText, cluster.Gate.Refusal(alice)?.Message, StringComparison.Ordinal);
        Assert.Null(cluster.Locks.Get(LockKeys.LockKey("while-away")));

        cluster.Server.ReleaseLoads();
        await Wait.UntilAsync(() => !cluster.Locks.IsStale, "the re-read to complete");

        Assert.NotNull(cluster.Locks.Get(LockKeys.LockKey("while-away")));
        Assert.Contains("written while the feed was down", cluster.Gate.Refusal(alice)?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Changed_PutDeleteAndReload_EachRaiseIt()
    {
        await using var cluster = await CachedCluster.StartAsync();
        var changes = 0;
        cluster.Locks.Changed += () => Interlocked.Increment(ref changes);
        var version = cluster.Locks.Version;

        cluster.PutLock(CachedCluster.UserLock("one", "alice"));
        await Wait.UntilAsync(() => Volatile.Read(ref changes) == 1, "Changed after a put");
        cluster.LocksFeed.Delete(LockKeys.LockKey("one"));
        await Wait.UntilAsync(() => Volatile.Read(ref changes) == 2, "Changed after a delete");
        cluster.LocksFeed.End();
        (await cluster.Server.NextFeedAsync(LockKeys.LockPrefix)).Init();
        await Wait.UntilAsync(() => Volatile.Read(ref changes) == 3, "Changed after the reload");

        Assert.Equal(version + 3, cluster.Locks.Version);
    }

    private static void AssertFresh(CachedCluster cluster)
    {
        Assert.False(cluster.Locks.IsStale);
        Assert.False(cluster.Revocations.IsStale);
        Assert.False(cluster.Roles.IsStale);
    }

    private static Task WaitFreshAsync(CachedCluster cluster) =>
        Wait.UntilAsync(() => !cluster.Locks.IsStale && !cluster.Revocations.IsStale && !cluster.Roles.IsStale, "every cache to hear a ping");

    private static FerryIdentity User(CachedCluster cluster, string name) =>
        TestPki.UserIdentity(name, ["access"], cluster.Time.GetUtcNow().AddHours(12), cluster.Time.GetUtcNow().AddMinutes(-1));
}
