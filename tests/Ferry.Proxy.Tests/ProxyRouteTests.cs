using Ferry.Auth.Tests.Infrastructure;
using Ferry.Tunnel;

namespace Ferry.Proxy.Tests;

/// <summary>
/// Every route of the proxy's public listener, in process against a real auth: callers without the right are refused
/// (or sent to sign-in), public routes answer anonymous callers as designed, and a refused call changes nothing at auth.
/// The completeness test keeps <see cref="ProxyRouteTable"/> equal to the routes ProxyHost maps.
/// </summary>
public sealed class ProxyRouteTests(ProxyRouteFixture fixture) : IClassFixture<ProxyRouteFixture>
{
    public static TheoryData<string, ProxyCaller, int, string> Cases()
    {
        var data = new TheoryData<string, ProxyCaller, int, string>();
        foreach (var route in ProxyRouteTable.Routes.Concat(ProxyRouteTable.MiddlewareRoutes))
        {
            foreach (var row in route.Cases)
            {
                data.Add(route.Route, row.Caller, row.Status, row.Why);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Route_AnswersEachCallerAsDesigned(string route, ProxyCaller caller, int expectedStatus, string why)
    {
        var row = ProxyRouteTable.Find(route);
        var expected = row.Cases.Single(c => c.Caller == caller && c.Why == why);
        var before = await fixture.Auth.SnapshotAsync();

        using var request = (expected.Request ?? row.Request)(fixture);
        var answer = await fixture.SendAsync(caller, request);

        Assert.True(answer.Status == expectedStatus, $"{why}: expected {expectedStatus}, got {answer.Status} {answer.Location}: {answer.Body}");
        if (expected.RedirectsTo is { } target)
        {
            Assert.NotNull(answer.Location);
            Assert.True(answer.Location == target || answer.Location.StartsWith(target + "?", StringComparison.Ordinal), $"redirects to {answer.Location}, not {target}");
        }

        if (expected.Changes is null)
        {
            (await fixture.Auth.SnapshotAsync()).AssertUnchangedSince(before);
        }
    }

    [Fact]
    public void RouteTable_CoversEveryMappedRoute_AndNoOther()
    {
        var mapped = MappedRoutes.Of(fixture.App);

        MappedRoutes.AssertCovered(mapped, ProxyRouteTable.Routes.Select(r => r.Route), nameof(ProxyRouteTable));
        Assert.All(ProxyRouteTable.Routes, r => Assert.NotEmpty(r.Cases));
    }

    [Fact]
    public void MiddlewareRoutes_AreTheTunnel()
    {
        var route = Assert.Single(ProxyRouteTable.MiddlewareRoutes);

        Assert.Equal($"GET {TunnelDefaults.Path}", route.Route);
        Assert.DoesNotContain(MappedRoutes.Of(fixture.App), r => r.EndsWith(" " + TunnelDefaults.Path, StringComparison.Ordinal));
    }
}
