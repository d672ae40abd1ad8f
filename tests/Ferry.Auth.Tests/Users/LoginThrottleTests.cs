using Ferry.Auth.Users;

namespace Ferry.Auth.Tests.Users;

public sealed class LoginThrottleTests
{
    private static readonly DateTimeOffset Noon = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TryReserve_PastTheFailures_RefusesUntilTheOldestLeavesTheWindow()
    {
        var throttle = new LoginThrottle(maxFailures: 2, TimeSpan.FromMinutes(1), maxAddresses: 100);
        Assert.True(throttle.TryReserve("192.0.2.1", Noon, out _, out _));
        Assert.True(throttle.TryReserve("192.0.2.1", Noon.AddSeconds(10), out _, out _));

        Assert.False(throttle.TryReserve("192.0.2.1", Noon.AddSeconds(20), out _, out var retryAt));
        Assert.Equal(Noon.AddMinutes(1), retryAt);
        Assert.True(throttle.TryReserve("192.0.2.2", Noon.AddSeconds(20), out _, out _));
        Assert.True(throttle.TryReserve("192.0.2.1", Noon.AddMinutes(1), out _, out _));
    }

    [Fact]
    public void Release_GivesTheSlotBack()
    {
        var throttle = new LoginThrottle(maxFailures: 1, TimeSpan.FromMinutes(1), maxAddresses: 100);
        Assert.True(throttle.TryReserve("192.0.2.1", Noon, out var slot, out _));
        throttle.Release(slot);

        Assert.True(throttle.TryReserve("192.0.2.1", Noon, out _, out _));
        Assert.False(throttle.TryReserve("192.0.2.1", Noon, out _, out _));
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:192.0.2.1", "192.0.2.1", true)]
    [InlineData("192.0.2.1", "192.0.2.2", false)]
    public void KeyOf_CountsIpv6PerSlash64_AndMappedIpv4AsIpv4(string a, string b, bool same)
    {
        Assert.Equal(same, LoginThrottle.KeyOf(a) == LoginThrottle.KeyOf(b));
    }

    [Fact]
    public void TryReserve_AtTheAddressBound_ForgetsTheStalestAddress()
    {
        var throttle = new LoginThrottle(maxFailures: 1, TimeSpan.FromMinutes(10), maxAddresses: 3);
        for (var i = 0; i < 50; i++)
        {
            Assert.True(throttle.TryReserve($"198.51.100.{i}", Noon.AddSeconds(i), out _, out _));
            Assert.InRange(throttle.TrackedAddresses, 1, 3);
        }

        // The newest are still remembered (and refused), the first was forgotten.
        Assert.False(throttle.TryReserve("198.51.100.49", Noon.AddSeconds(60), out _, out _));
        Assert.True(throttle.TryReserve("198.51.100.0", Noon.AddSeconds(60), out _, out _));
    }
}
