using Ferry.Tunnel.Agent;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Tunnel.Tests;

public sealed class ProxyCoverageTests
{
    [Fact]
    public void NeedsTunnels_UntilEveryLiveProxyHoldsItsShare()
    {
        var coverage = new ProxyCoverage(2, new FakeTimeProvider());
        coverage.SetLive(["p1", "p2"]);

        Assert.True(coverage.NeedsTunnels(Tunnels()));
        Assert.True(coverage.NeedsTunnels(Tunnels(("p1", 2), ("p2", 1))));
        Assert.False(coverage.NeedsTunnels(Tunnels(("p1", 2), ("p2", 2))));
        Assert.Equal(["p1", "p2"], coverage.Skip(Tunnels(("p1", 2), ("p2", 2))));
        Assert.Equal(["p1"], coverage.Skip(Tunnels(("p1", 2), ("p2", 1))));
    }

    [Fact]
    public void NoLiveSetYet_OneShareOfTunnelsToWhateverTheBalancerGives()
    {
        var coverage = new ProxyCoverage(2, new FakeTimeProvider());

        Assert.True(coverage.NeedsTunnels(Tunnels(("p1", 1))));
        Assert.False(coverage.NeedsTunnels(Tunnels(("p1", 1), ("p2", 1))));
        Assert.True(coverage.Keeps("p1", Tunnels(("p1", 1))));
        Assert.False(coverage.Keeps("p1", Tunnels(("p1", 2))));
        // A proxy that says no id is counted under "" and never named in the skip list.
        Assert.True(coverage.Keeps("", Tunnels(("", 1))));
        Assert.Empty(coverage.Skip(Tunnels(("", 2))));
    }

    [Fact]
    public void ProxyNotLiveYet_IsKeptUpToItsShare()
    {
        var coverage = new ProxyCoverage(2, new FakeTimeProvider());
        coverage.SetLive(["p1"]);

        Assert.True(coverage.Keeps("p3", Tunnels(("p1", 2), ("p3", 1))));
        Assert.False(coverage.Keeps("p3", Tunnels(("p1", 2), ("p3", 2))));
    }

    [Fact]
    public void ProxyThatLeft_IsNotKept_UntilItIsLiveAgain_OrForgottenAfterAnHour()
    {
        var time = new FakeTimeProvider();
        var coverage = new ProxyCoverage(2, time);
        coverage.SetLive(["p1", "p2"]);

        Assert.Equal(["p2"], coverage.SetLive(["p1"]));
        Assert.True(coverage.HasLeft("p2"));
        Assert.False(coverage.Keeps("p2", Tunnels(("p1", 2))));
        Assert.Equal(["p1", "p2"], coverage.Skip(Tunnels(("p1", 2))));
        Assert.False(coverage.NeedsTunnels(Tunnels(("p1", 2), ("p2", 2))));

        // With nobody live, tunnels still closing to proxies that left do not count towards the one share kept in all.
        Assert.Equal(["p1"], coverage.SetLive([]));
        Assert.True(coverage.NeedsTunnels(Tunnels(("p1", 2), ("p2", 2))));
        Assert.False(coverage.NeedsTunnels(Tunnels(("p2", 2), ("p3", 2))));

        Assert.Empty(coverage.SetLive(["p2"]));
        Assert.False(coverage.HasLeft("p2"));
        Assert.True(coverage.HasLeft("p1"));

        time.Advance(ProxyCoverage.DepartedMemory + TimeSpan.FromMinutes(1));
        coverage.SetLive(["p2"]);
        Assert.False(coverage.HasLeft("p1"));
    }

    [Fact]
    public void Skip_NamesOnlyIdsAProxyCouldAnnounce()
    {
        var coverage = new ProxyCoverage(2, new FakeTimeProvider());
        coverage.SetLive(["p1", "bad\r\nid", "p,2"]);
        coverage.SetLive(["p1"]);

        Assert.Equal(["p1"], coverage.Skip(Tunnels(("p1", 2), ("", 2))));
    }

    [Theory]
    [InlineData("X-Ferry-Proxy-Id", "p1", "p1")]
    [InlineData("x-ferry-proxy-id", " 0f6c2a1e-9a51-4c1b-b6c9-1d2e3f405060 ", "0f6c2a1e-9a51-4c1b-b6c9-1d2e3f405060")]
    [InlineData("X-Ferry-Proxy-Id", "", null)]
    [InlineData("X-Ferry-Proxy-Id", "p1,p2", null)]
    [InlineData("X-Ferry-Proxy-Id", "p 1", null)]
    [InlineData("X-Other", "p1", null)]
    public void ReadProxyId_TakesOnlyAPlainToken(string name, string value, string? expected)
    {
        var headers = new Dictionary<string, IEnumerable<string>> { [name] = [value] };

        Assert.Equal(expected, TunnelConnection.ReadProxyId(headers));
    }

    [Fact]
    public void ReadProxyId_TooLong_IsIgnored()
    {
        var headers = new Dictionary<string, IEnumerable<string>> { [TunnelDefaults.ProxyIdHeader] = [new string('a', 257)] };

        Assert.Null(TunnelConnection.ReadProxyId(headers));
        Assert.Null(TunnelConnection.ReadProxyId(null));
    }

    private static Dictionary<string, int> Tunnels(params (string ProxyId, int Count)[] tunnels) =>
        tunnels.ToDictionary(t => t.ProxyId, t => t.Count, StringComparer.Ordinal);
}
