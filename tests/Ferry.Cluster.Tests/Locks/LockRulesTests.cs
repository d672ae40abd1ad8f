using Ferry.Cluster.Tests.Infrastructure;
using Ferry.Core.Identity;
using Ferry.Core.Locks;
using Ferry.Core.Resources;

namespace Ferry.Cluster.Tests.Locks;

/// <summary>The one lock rule (src/Ferry.Core/Locks/LockRules.cs), applied alike by auth, proxies and agents.</summary>
public sealed class LockRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly AccessLock[] Locks =
    [
        CachedCluster.UserLock("incident-42", "alice", "Laptop reported stolen; call security"),
        CachedCluster.RoleLock("no-contractors", "contractors"),
        CachedCluster.UserLock("lapsed", "carol", "over", expires: Now.AddSeconds(-1)),
        CachedCluster.UserLock("lapses-now", "frank", "over", expires: Now),
        CachedCluster.UserLock("until-tonight", "dave", "until tonight", expires: Now.AddHours(1)),
    ];

    /// <summary>user, roles, the lock that refuses them (null = allowed).</summary>
    public static TheoryData<string, string[], string?> LockCases => new()
    {
        { "alice", ["access"], "incident-42" },
        { "bob", ["access"], null },
        { "erin", ["access", "contractors"], "no-contractors" },
        { "bob", ["contractor"], null },
        { "carol", ["access"], null },
        { "frank", ["access"], null },
        { "dave", ["access"], "until-tonight" },
        { "Alice", ["access"], null },
    };

    [Theory]
    [MemberData(nameof(LockCases))]
    public void Refusal_LocksByUserAndRole_RefuseExactlyTheirTargetsWhileInForce(string user, string[] roles, string? refusingLock)
    {
        var refusal = LockRules.Refusal(User(user, roles), Locks, NoRevocations, Now);

        if (refusingLock is null)
        {
            Assert.Null(refusal);
        }
        else
        {
            Assert.NotNull(refusal);
            Assert.Equal(Core.Errors.ErrorKind.AccessDenied, refusal.Kind);
            Assert.Contains($"lock {refusingLock} targeting", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Refusal_UserLock_CarriesTheLocksMessage()
    {
        var refusal = LockRules.Refusal(User("alice", ["access"]), Locks, NoRevocations, Now);

        Assert.Equal("access is locked (lock incident-42 targeting user \"alice\"): Laptop reported stolen; call security", refusal?.Message);
    }

    [Fact]
    public void Refusal_RoleLockWithoutMessage_NamesTheRole()
    {
        var refusal = LockRules.Refusal(User("erin", ["contractors"]), Locks, NoRevocations, Now);

        Assert.Equal("access is locked (lock no-contractors targeting role \"contractors\")", refusal?.Message);
    }

    [Fact]
    public void Refusal_ExpiredLock_AllowsTheUser()
    {
        Assert.Null(LockRules.Refusal(User("carol", ["access"]), Locks, NoRevocations, Now));
        Assert.NotNull(LockRules.Refusal(User("carol", ["access"]), Locks, NoRevocations, Now.AddSeconds(-2)));
    }

    /// <summary>Certificate issued (seconds from the revocation's NotBefore; null = no issue time), refused?</summary>
    public static TheoryData<int?, bool> RevocationCases => new()
    {
        { -3600, true },
        { -1, true },
        { 0, false },
        { 1, false },
        { null, true },
    };

    [Theory]
    [MemberData(nameof(RevocationCases))]
    public void Refusal_RevokedUser_RefusesCertificatesIssuedBeforeTheRevocation(int? issuedSecondsAfterRevocation, bool refused)
    {
        var revocation = new UserRevocation { User = "alice", NotBefore = Now, Reason = "deleted" };
        var identity = User("alice", ["access"], issuedSecondsAfterRevocation is { } s ? Now.AddSeconds(s) : null);

        var refusal = LockRules.Refusal(identity, [], user => user == "alice" ? revocation : null, Now.AddMinutes(1));

        Assert.Equal(refused, refusal is not null);
        if (refusal is not null)
        {
            Assert.Contains("user \"alice\" is no longer valid: the user was deleted", refusal.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Refusal_RevocationOfAnotherUser_AllowsTheUser()
    {
        var revocation = new UserRevocation { User = "bob", NotBefore = Now, Reason = "reset" };

        Assert.Null(LockRules.Refusal(User("alice", ["access"], Now.AddHours(-1)), [], user => user == "bob" ? revocation : null, Now));
    }

    [Theory]
    [InlineData(SystemRoles.Proxy)]
    [InlineData(SystemRoles.App)]
    [InlineData(SystemRoles.Admin)]
    public void Refusal_Host_IsNeverRefused(string systemRole)
    {
        // A host whose id is a locked user's name, whose role is a locked role, and whose id was "revoked".
        var host = TestPki.HostIdentity("alice", systemRole, Now.AddDays(1));
        AccessLock[] locks = [.. Locks, CachedCluster.RoleLock("hosts", systemRole)];
        var revocation = new UserRevocation { User = "alice", NotBefore = Now, Reason = "deleted" };

        Assert.Null(LockRules.Refusal(host, locks, _ => revocation, Now));
    }

    private static UserRevocation? NoRevocations(string user) => null;

    private static FerryIdentity User(string name, IReadOnlyList<string> roles, DateTimeOffset? issued = null) =>
        TestPki.UserIdentity(name, roles, Now.AddHours(12), issued ?? Now.AddHours(-1));
}
