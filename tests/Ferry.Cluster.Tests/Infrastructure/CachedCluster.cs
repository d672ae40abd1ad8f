using Ferry.Cluster.Caching;
using Ferry.Cluster.Locks;
using Ferry.Core.Locks;
using Ferry.Core.Resources;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Cluster.Tests.Infrastructure;

/// <summary>
/// A proxy's or agent's view of the cluster, wired as AppAgent wires it: the locks, revocations and roles caches
/// (ClusterCaches, on a fake clock) fed by a <see cref="ClusterStateServer"/>, and a <see cref="ClusterGate"/> over them.
/// Started means every feed said "init" and every cache loaded.
/// </summary>
internal sealed class CachedCluster : IAsyncDisposable
{
    private CachedCluster(FakeTimeProvider time, TestPki pki, ClusterStateServer server)
    {
        Time = time;
        Pki = pki;
        Server = server;
        Locks = ClusterCaches.Locks(server.Client, NullLogger.Instance, time);
        Revocations = ClusterCaches.Revocations(server.Client, NullLogger.Instance, time);
        Roles = ClusterCaches.Roles(server.Client, NullLogger.Instance, time);
        Gate = new ClusterGate(Locks, Revocations, [Roles], time);
    }

    /// <summary>Starts at the real time, so the TLS certificates it issues are valid for the real handshake too.</summary>
    public FakeTimeProvider Time { get; }

    public TestPki Pki { get; }

    public ClusterStateServer Server { get; }

    public WatchCache<AccessLock> Locks { get; }

    public WatchCache<UserRevocation> Revocations { get; }

    public WatchCache<Role> Roles { get; }

    public ClusterGate Gate { get; }

    public WatchFeed LocksFeed { get; private set; } = null!;

    public WatchFeed RevocationsFeed { get; private set; } = null!;

    public WatchFeed RolesFeed { get; private set; } = null!;

    public static async Task<CachedCluster> StartAsync(Action<ClusterStateServer>? seed = null)
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var pki = new TestPki(time);
        var server = await ClusterStateServer.StartAsync(pki);
        seed?.Invoke(server);
        var cluster = new CachedCluster(time, pki, server);
        cluster.Locks.Start();
        cluster.Revocations.Start();
        cluster.Roles.Start();
        cluster.LocksFeed = await server.NextFeedAsync(LockKeys.LockPrefix);
        cluster.RevocationsFeed = await server.NextFeedAsync(LockKeys.RevocationPrefix);
        cluster.RolesFeed = await server.NextFeedAsync(ClusterCaches.RolePrefix);
        cluster.LocksFeed.Init();
        cluster.RevocationsFeed.Init();
        cluster.RolesFeed.Init();
        await Wait.ForAsync(Task.WhenAll(cluster.Locks.Ready, cluster.Revocations.Ready, cluster.Roles.Ready), "the first load of every cache");
        return cluster;
    }

    public static AccessLock UserLock(string name, string user, string? message = null, DateTimeOffset? expires = null) =>
        new() { Metadata = new ResourceMetadata { Name = name }, Spec = new LockSpec { Target = new LockTarget { User = user }, Message = message, Expires = expires } };

    public static AccessLock RoleLock(string name, string role, string? message = null, DateTimeOffset? expires = null) =>
        new() { Metadata = new ResourceMetadata { Name = name }, Spec = new LockSpec { Target = new LockTarget { Role = role }, Message = message, Expires = expires } };

    /// <summary>A lock written in auth while the feed is up: it arrives as a put.</summary>
    public void PutLock(AccessLock accessLock)
    {
        Server.Locks[accessLock.Name] = accessLock;
        LocksFeed.Put(LockKeys.LockKey(accessLock.Name), ClusterStateServer.StoredJson(accessLock));
    }

    public void PutRevocation(UserRevocation revocation)
    {
        Server.Revocations[revocation.User] = revocation;
        RevocationsFeed.Put(LockKeys.RevocationKey(revocation.User), ClusterStateServer.StoredJson(revocation));
    }

    /// <summary>Auth's pings on every idle feed.</summary>
    public void PingAll()
    {
        LocksFeed.Ping();
        RevocationsFeed.Ping();
        RolesFeed.Ping();
    }

    public async ValueTask DisposeAsync()
    {
        await Locks.DisposeAsync();
        await Revocations.DisposeAsync();
        await Roles.DisposeAsync();
        await Server.DisposeAsync();
        Pki.Dispose();
    }
}
