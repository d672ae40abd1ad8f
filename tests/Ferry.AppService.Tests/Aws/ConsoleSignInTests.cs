using System.Text.Json;
using System.Web;
using Amazon.Runtime;
using Ferry.AppService.Tests.Infrastructure;

namespace Ferry.AppService.Tests.Aws;

/// <summary>
/// A browser opening an AWS app (no SigV4 anywhere) is signed in to the AWS console as the app session's IAM role:
/// AssumeRole as the user, getSigninToken with those credentials, then a redirect to the federation login.
/// </summary>
public sealed class ConsoleSignInTests
{
    /// <summary>
    /// Long-lived agent keys: the console session lasts as long as the identity, at most 12 h, and the length goes to
    /// getSigninToken. Temporary agent credentials: AWS caps role chaining at 1 h and refuses SessionDuration, so the
    /// length goes to AssumeRole instead.
    /// </summary>
    [Theory]
    [InlineData(false, null, "43200", 43200)]
    [InlineData(true, "3600", null, 3600)]
    public async Task BrowserOpeningTheApp_IsRedirectedToTheFederationLogin_AsTheRoleAndUser(
        bool temporaryAgentCredentials, string? assumeRoleDuration, string? signinSessionDuration, int auditedSeconds)
    {
        AWSCredentials agentCredentials = temporaryAgentCredentials
            ? new SessionAWSCredentials("ASIAAGENTEXAMPLE", "agent-secret", "agent-token")
            : new BasicAWSCredentials("AKIDAGENTEXAMPLE", "agent-secret");
        await using var agent = await AgentUnderTest.StartAsync(agentCredentials);
        using var certificate = agent.Certificates.App(user: "alice", ttl: TimeSpan.FromHours(13));

        var answer = await agent.SendAsync(ClientRequests.BrowserOpen(), certificate);

        Assert.Equal(302, answer.Status);
        Assert.Equal("no-store", answer.Header("Cache-Control")); // the URL carries a sign-in token
        var location = new Uri(answer.Header("Location")!);
        Assert.Equal(agent.Aws.BaseUrl + "/federation", location.GetLeftPart(UriPartial.Path)); // AWS_ENDPOINT_URL_SIGNIN
        var login = HttpUtility.ParseQueryString(location.Query);
        Assert.Equal("login", login["Action"]);
        Assert.Equal("signin-token-1", login["SigninToken"]);
        Assert.Equal(TestApps.Dynamo.Spec.Uri, login["Destination"]);
        Assert.Equal("https://dynamo.proxy.test:3080", login["Issuer"]); // the app's address on the proxy's public port

        var assumed = Assert.Single(agent.Aws.AssumeRoleCalls);
        Assert.Equal((TestApps.DynamoArn, "alice", assumeRoleDuration), (assumed.RoleArn, assumed.RoleSessionName, assumed.DurationSeconds));
        var tokenCall = Assert.Single(agent.Aws.SigninTokenCalls);
        Assert.Equal(signinSessionDuration, tokenCall.GetValueOrDefault("SessionDuration"));
        using var session = JsonDocument.Parse(tokenCall["Session"]);
        Assert.Equal(agent.Aws.IssuedCredentials(0).AccessKeyId, session.RootElement.GetProperty("sessionId").GetString());

        var signedIn = Assert.Single(await agent.StopAndReadAuditAsync());
        Assert.True(signedIn.Success);
        Assert.Equal("302", signedIn.FieldText("status_code"));
        Assert.Equal(auditedSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture), signedIn.FieldText("console_session_seconds"));
    }

    [Fact]
    public async Task IdentityWithLessThan15MinutesLeft_IsRefused403_BeforeAssumingTheRole()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        using var certificate = agent.Certificates.App(ttl: TimeSpan.FromMinutes(10));

        var answer = await agent.SendAsync(ClientRequests.BrowserOpen(), certificate);

        Assert.Equal(403, answer.Status);
        Assert.Equal("minimum AWS session duration is 15m0s but the Ferry identity expires in 10m0s: log in to the app again and retry", answer.ApiError);
        Assert.Empty(agent.Aws.AssumeRoleCalls);
        var refused = Assert.Single(await agent.StopAndReadAuditAsync());
        Assert.Equal(answer.ApiError, refused.Error);
    }

    [Fact]
    public async Task UnsignedPost_IsRefused400_TheConsoleIsOpenedWithAGet()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        using var certificate = agent.Certificates.App();

        var answer = await agent.SendAsync(ClientRequests.BrowserOpen(HttpMethod.Post), certificate);

        Assert.Equal(400, answer.Status);
        Assert.Equal("the AWS console sign-in is started by opening the app in a browser (GET)", answer.ApiError);
        Assert.Empty(agent.Aws.AssumeRoleCalls);
        Assert.Empty(agent.Aws.SigninTokenCalls);
    }
}
