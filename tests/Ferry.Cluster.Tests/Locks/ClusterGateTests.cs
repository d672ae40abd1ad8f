using Ferry.Cluster.Tests.Infrastructure;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Locks;
using Ferry.Core.Resources;

namespace Ferry.Cluster.Tests.Locks;

/// <summary>
/// The gate of a proxy or agent (src/Ferry.Cluster/Locks/ClusterGate.cs) over real watch caches fed by a fake auth:
/// locks and revocations as they are loaded and as they arrive, and requests in flight cut when a lock arrives.
/// </summary>
public sealed class ClusterGateTests
{
    [Fact]
    public async Task Refusal_LockLoadedAtStart_RefusesItsUserWithTheLocksMessage()
    {
        await using var cluster = await CachedCluster.StartAsync(s => s.Locks["incident-42"] = CachedCluster.UserLock("incident-42", "alice", "Laptop reported stolen"));

        var refusal = cluster.Gate.Refusal(User(cluster, "alice"));

        Assert.Equal(ErrorKind.AccessDenied, refusal?.Kind);
        Assert.Equal("access is locked (lock incident-42 targeting user \"alice\"): Laptop reported stolen", refusal?.Message);
        Assert.Null(cluster.Gate.Refusal(User(cluster, "bob")));
    }

    [Fact]
    public async Task Refusal_RoleLock_RefusesEveryHolderOfTheRole()
    {
        await using var cluster = await CachedCluster.StartAsync(s => s.Locks["no-contractors"] = CachedCluster.RoleLock("no-contractors", "contractors"));

        Assert.NotNull(cluster.Gate.Refusal(User(cluster, "erin", "access", "contractors")));
        Assert.Null(cluster.Gate.Refusal(User(cluster, "bob", "access")));
    }

    [Fact]
    public async Task Refusal_LockArrivesThenIsRemoved_RefusesOnlyWhileItExists()
    {
        await using var cluster = await CachedCluster.StartAsync();
        var alice = User(cluster, "alice");
        Assert.Null(cluster.Gate.Refusal(alice));

        cluster.PutLock(CachedCluster.UserLock("incident-7", "alice", "call security"));
        await Wait.UntilAsync(() => cluster.Gate.Refusal(alice) is not null, "the lock to reach the gate");
        Assert.Contains("call security", cluster.Gate.Refusal(alice)!.Message, StringComparison.Ordinal);

        cluster.LocksFeed.Delete(LockKeys.LockKey("incident-7"));
        await Wait.UntilAsync(() => cluster.Gate.Refusal(alice) is null, "the removal to reach the gate");
    }

    [Fact]
    public async Task Refusal_ExpiredLock_AllowsTheUser()
    {
        await using var cluster = await CachedCluster.StartAsync(s =>
            s.Locks["brief"] = CachedCluster.UserLock("brief", "alice", "five seconds", expires: DateTimeOffset.UtcNow.AddSeconds(5)));
        var alice = User(cluster, "alice");
        Assert.NotNull(cluster.Gate.Refusal(alice));

        cluster.Time.Advance(TimeSpan.FromSeconds(6)); // still well inside the caches' freshness

        Assert.Null(cluster.Gate.Refusal(alice));
    }

    [Fact]
    public async Task Refusal_RevokedUser_RefusesCertificatesIssuedBeforeTheRevocationOnly()
    {
        var revokedAt = DateTimeOffset.UtcNow;
        await using var cluster = await CachedCluster.StartAsync(s =>
            s.Revocations["alice"] = new UserRevocation { User = "alice", NotBefore = revokedAt, Reason = "reset" });

        var before = cluster.Gate.Refusal(User(cluster, "alice", issued: revokedAt.AddMinutes(-1)));
        var after = cluster.Gate.Refusal(User(cluster, "alice", issued: revokedAt.AddSeconds(1)));
        var unknown = cluster.Gate.Refusal(User(cluster, "alice", issued: null));

        Assert.Contains("the user was reset", before?.Message, StringComparison.Ordinal);
        Assert.Null(after);
        Assert.NotNull(unknown);
        Assert.Null(cluster.Gate.Refusal(User(cluster, "bob", issued: revokedAt.AddMinutes(-1))));
    }

    [Fact]
    public async Task Refusal_Host_IsNeverRefused()
    {
        await using var cluster = await CachedCluster.StartAsync(s =>
        {
            s.Locks["by-name"] = CachedCluster.UserLock("by-name", "host-1");
            s.Locks["by-role"] = CachedCluster.RoleLock("by-role", SystemRoles.App);
            s.Revocations["host-1"] = new UserRevocation { User = "host-1", NotBefore = DateTimeOffset.UtcNow.AddHours(1), Reason = "deleted" };
        });

        Assert.Null(cluster.Gate.Refusal(TestPki.HostIdentity("host-1", SystemRoles.App, cluster.Time.GetUtcNow().AddDays(1))));
    }

    [Fact]
    public async Task CutRefused_LockArrivesOnTheFeed_AbortsTheLockedUsersRequestsOnly()
    {
        await using var cluster = await CachedCluster.StartAsync();
        var gate = cluster.Gate;
        var alice1 = new TrackedRequest();
        var alice2 = new TrackedRequest();
        var bob = new TrackedRequest();
        var host = new TrackedRequest();
        using var a1 = gate.Track(User(cluster, "alice"), alice1.Context);
        using var a2 = gate.Track(User(cluster, "alice", "contractors"), alice2.Context);
        using var b = gate.Track(User(cluster, "bob"), bob.Context);
        using var h = gate.Track(TestPki.HostIdentity("alice", SystemRoles.Proxy, cluster.Time.GetUtcNow().AddDays(1)), host.Context);
        // Subscribed after the gate, so it runs after the gate's own handler has finished cutting.
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Locks.Changed += () => changed.TrySetResult();

        cluster.PutLock(CachedCluster.UserLock("incident-42", "alice"));
        await Wait.ForAsync(changed.Task, "the locks cache's Changed event");

        Assert.True(alice1.Aborted);
        Assert.True(alice2.Aborted);
        Assert.False(bob.Aborted);
        Assert.False(host.Aborted);
        Assert.Equal(2, gate.LiveCount);
    }

    [Fact]
    public async Task CutRefused_RevocationArrivesOnTheFeed_AbortsRequestsOfOlderCertificatesOnly()
    {
        await using var cluster = await CachedCluster.StartAsync();
        var revokedAt = cluster.Time.GetUtcNow();
        var oldCertificate = new TrackedRequest();
        var newCertificate = new TrackedRequest();
        using var o = cluster.Gate.Track(User(cluster, "alice", issued: revokedAt.AddMinutes(-5)), oldCertificate.Context);
        using var n = cluster.Gate.Track(User(cluster, "alice", issued: revokedAt.AddSeconds(1)), newCertificate.Context);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Revocations.Changed += () => changed.TrySetResult();

        cluster.PutRevocation(new UserRevocation { User = "alice", NotBefore = revokedAt, Reason = "deleted" });
        await Wait.ForAsync(changed.Task, "the revocations cache's Changed event");

        Assert.True(oldCertificate.Aborted);
        Assert.False(newCertificate.Aborted);
        Assert.Equal(1, cluster.Gate.LiveCount);
    }

    [Fact]
    public async Task Track_DisposedHandle_IsNoLongerCut()
    {
        await using var cluster = await CachedCluster.StartAsync();
        var finished = new TrackedRequest();
        cluster.Gate.Track(User(cluster, "alice"), finished.Context).Dispose();
        Assert.Equal(0, cluster.Gate.LiveCount);
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        cluster.Locks.Changed += () => changed.TrySetResult();

        cluster.PutLock(CachedCluster.UserLock("incident-42", "alice"));
        await Wait.ForAsync(changed.Task, "the locks cache's Changed event");

        Assert.False(finished.Aborted);
    }

    private static FerryIdentity User(CachedCluster cluster, string name, params string[] roles) =>
        User(cluster, name, cluster.Time.GetUtcNow().AddMinutes(-10), roles);

    private static FerryIdentity User(CachedCluster cluster, string name, DateTimeOffset? issued, params string[] roles) =>
        TestPki.UserIdentity(name, roles.Length == 0 ? ["access"] : roles, cluster.Time.GetUtcNow().AddHours(12), issued);
}
