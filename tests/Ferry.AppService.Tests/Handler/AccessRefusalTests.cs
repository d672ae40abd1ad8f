using Ferry.AppService.Tests.Infrastructure;
using Ferry.Core.Audit;
using Ferry.Core.Resources;

namespace Ferry.AppService.Tests.Handler;

/// <summary>
/// A verified app identity the agent still refuses, deciding on its own caches of auth's roles and locks (it does not
/// trust the proxy's decision): each refusal reaches neither STS nor AWS and leaves exactly one failed audit event
/// naming the user and the reason the client was given.
/// </summary>
public sealed class AccessRefusalTests : IAsyncLifetime
{
    private AgentUnderTest _agent = null!;

    public async Task InitializeAsync() => _agent = await AgentUnderTest.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task RoleNoLongerAllowingTheArn_IsRefused403_WithTheDecisionInTheLog()
    {
        using var certificate = _agent.Certificates.App(user: "bob"); // issued while the role allowed DynamoArn
        await _agent.Auth.Server.Roles.CreateAsync(TestApps.DynamoReaderRole([TestApps.OtherArn]), force: true, "admin", CancellationToken.None);
        await Wait.UntilAsync(
            () => _agent.Roles.Get("/roles/" + TestApps.DynamoReaderRoleName)?.Spec.Allow.AwsRoleArns.SequenceEqual([TestApps.OtherArn]) == true,
            "the agent's role cache has the narrowed role");

        using var request = ClientRequests.DynamoDbGetItem(_agent.Auth.Time);
        var answer = await _agent.SendAsync(request, certificate);

        Assert.Equal(403, answer.Status);
        Assert.Equal("access to app \"dynamo\" with this role is denied; run tsh apps login again to see the roles you may use", answer.ApiError);
        Assert.Equal("AccessDeniedException", answer.JsonErrorType);
        Assert.Contains(_agent.Log.Lines, l => l.Message == $"Denied bob access to app dynamo: no role of the user allows AWS role \"{TestApps.DynamoArn}\" on app \"dynamo\" (roles: {TestApps.DynamoReaderRoleName})");
        await AssertReachedNothingAndAuditedOnceAsync("bob", 403, answer.ApiError!, EventTypes.AppSessionDynamoDbRequest);
    }

    [Fact]
    public async Task LockedUser_IsRefused403_WithTheLockMessage()
    {
        using var certificate = _agent.Certificates.App(user: "carol");
        var accessLock = new AccessLock { Metadata = new ResourceMetadata { Name = "incident-42" }, Spec = new LockSpec { Target = new LockTarget { User = "carol" }, Message = "suspected key leak" } };
        await _agent.Auth.Server.Locks.UpsertAsync(accessLock, force: false, "admin", CancellationToken.None);
        await Wait.UntilAsync(() => _agent.Locks.Values.Any(l => l.Name == "incident-42"), "the agent's lock cache has the lock");

        using var request = ClientRequests.DynamoDbGetItem(_agent.Auth.Time);
        var answer = await _agent.SendAsync(request, certificate);

        Assert.Equal(403, answer.Status);
        Assert.Equal("access is locked (lock incident-42 targeting user \"carol\"): suspected key leak", answer.ApiError);
        await AssertReachedNothingAndAuditedOnceAsync("carol", 403, answer.ApiError!, EventTypes.AppSessionDynamoDbRequest);
    }

    [Fact]
    public async Task AppThisAgentDoesNotServe_IsRefused404()
    {
        using var certificate = _agent.Certificates.App(user: "dave", app: "billing");

        using var request = ClientRequests.DynamoDbGetItem(_agent.Auth.Time);
        var answer = await _agent.SendAsync(request, certificate);

        Assert.Equal(404, answer.Status);
        Assert.Equal("app \"billing\" is not served by this agent", answer.ApiError);
        await AssertReachedNothingAndAuditedOnceAsync("dave", 404, answer.ApiError!, EventTypes.AppSessionDynamoDbRequest);
    }

    [Fact]
    public async Task AppThatIsNotAnAwsApp_IsRefused501_NamingWhatFerryServes()
    {
        using var certificate = _agent.Certificates.App(user: "erin", app: TestApps.Wiki.Name, arn: null);

        using var request = ClientRequests.BrowserOpen();
        var answer = await _agent.SendAsync(request, certificate);

        Assert.Equal(501, answer.Status);
        Assert.Equal("app \"wiki\" is not an AWS app; Ferry serves AWS console and API apps", answer.ApiError);
        await AssertReachedNothingAndAuditedOnceAsync("erin", 501, answer.ApiError!, EventTypes.AppSessionRequest);
    }

    private async Task AssertReachedNothingAndAuditedOnceAsync(string user, int status, string reason, string type)
    {
        Assert.Empty(_agent.Aws.AssumeRoleCalls);
        Assert.Empty(_agent.Aws.ServiceRequests);
        var refused = Assert.Single(await _agent.StopAndReadAuditAsync());
        Assert.Equal(type, refused.Type);
        Assert.Equal(user, refused.User);
        Assert.False(refused.Success);
        Assert.Equal(reason, refused.Error);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), refused.FieldText("status_code"));
    }
}
