using System.Net.Http.Json;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Api;

namespace Ferry.Auth.Tests.Api;

/// <summary>
/// Every route of the auth API refuses every caller without the right, over real mTLS, and a refused call changes
/// nothing in storage or the audit log. The completeness test keeps <see cref="AuthRouteTable"/> equal to the routes
/// AuthApi maps, so a new route without refusal rows fails the build's tests.
/// </summary>
public sealed class AuthRouteTests(AuthRouteFixture fixture) : IClassFixture<AuthRouteFixture>
{
    public static TheoryData<string, ApiCaller, int, string> Refusals()
    {
        var data = new TheoryData<string, ApiCaller, int, string>();
        foreach (var (route, refusal) in AuthRouteTable.AllRefusals())
        {
            data.Add(route.Route, refusal.Caller, refusal.Status, refusal.Case);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Route_CallerWithoutTheRight_IsRefusedAndNothingChanges(string route, ApiCaller caller, int expectedStatus, string variant)
    {
        var row = AuthRouteTable.Find(route);
        var refusal = row.Refusals.Concat(AuthRouteTable.Everywhere).Single(r => r.Caller == caller && r.Case == variant);
        var before = await fixture.Api.SnapshotAsync();

        using var request = (refusal.Request ?? row.Request)(fixture);
        var answer = await fixture.SendAsync(caller, request);

        answer.AssertStatus(expectedStatus);
        (await fixture.Api.SnapshotAsync()).AssertUnchangedSince(before);
    }

    [Fact]
    public void RefusalTable_CoversEveryMappedRoute_AndNoOther()
    {
        var mapped = MappedRoutes.Of(fixture.Api.App);

        MappedRoutes.AssertCovered(mapped, AuthRouteTable.Routes.Select(r => r.Route), nameof(AuthRouteTable));
        Assert.Equal(AuthRouteTable.Routes.Count, AuthRouteTable.Routes.Select(r => r.Route).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Apps_UserWithoutRoles_SeesNone_WhileAccessSeesTheApp()
    {
        using var nobody = new HttpRequestMessage(HttpMethod.Get, "v1/apps");
        using var alice = new HttpRequestMessage(HttpMethod.Get, "v1/apps");

        var hidden = await fixture.GetJsonAsync<List<AppInfo>>(ApiCaller.NoRoles, nobody);
        var visible = await fixture.GetJsonAsync<List<AppInfo>>(ApiCaller.Access, alice);

        Assert.Empty(hidden);
        Assert.Contains(visible, a => a.App.GetProperty("metadata").GetProperty("name").GetString() == "dynamo");
    }

    [Fact]
    public async Task NoCertificate_ReachesOnlyWhatAJoiningHostNeeds()
    {
        // A separate proxy joins auth directly: it reads the CAs (to check its ca_pin) and joins with its token. Nothing else.
        using var cas = new HttpRequestMessage(HttpMethod.Get, "v1/cas");
        using var status = new HttpRequestMessage(HttpMethod.Get, "v1/status");

        (await fixture.SendAsync(ApiCaller.NoCertificate, cas)).AssertStatus(200);
        var refused = await fixture.SendAsync(ApiCaller.NoCertificate, status);
        refused.AssertStatus(403);
        Assert.Contains("client certificate is required", refused.Body);
    }
}
