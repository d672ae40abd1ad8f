namespace Ferry.Auth.Tests.Api;

/// <summary>
/// The other half of each row of <see cref="AuthRouteTable"/>: the same request from the caller that has the right
/// succeeds, so the refusals are about the caller and not a request the route could never serve. Its own fixture:
/// these calls change things.
/// </summary>
public sealed class AuthRouteSuccessTests(AuthRouteFixture fixture) : IClassFixture<AuthRouteFixture>
{
    public static TheoryData<string, ApiCaller, int> Allowed()
    {
        var data = new TheoryData<string, ApiCaller, int>();
        foreach (var route in AuthRouteTable.Routes)
        {
            data.Add(route.Route, route.Allowed, route.AllowedStatus);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Allowed))]
    public async Task Route_CallerWithTheRight_Succeeds(string route, ApiCaller caller, int expectedStatus)
    {
        using var request = AuthRouteTable.Find(route).Request(fixture);

        (await fixture.SendAsync(caller, request)).AssertStatus(expectedStatus);
    }
}
