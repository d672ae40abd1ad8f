using System.Net;
using System.Net.Sockets;
using Ferry.AppService.Tests.Infrastructure;
using Ferry.Aws.Endpoints;

namespace Ferry.AppService.Tests.Handler;

/// <summary>
/// Allowed API calls the agent cannot carry out: each gets the status and message that say why, shaped for the
/// client's AWS protocol, and exactly one failed audit event with that message. Nothing goes to AWS that AWS
/// would have to refuse.
/// </summary>
public sealed class ForwardingErrorTests
{
    [Fact]
    public async Task ChunkSignedUploadWithAWrongChunkLength_IsRefused400_InS3sXmlErrorFormat_AndAwsGetsNoCompleteBody()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        using var certificate = agent.Certificates.App();
        using var request = ClientRequests.ChunkSignedS3Put(agent.Auth.Time, ClientRequests.ChunkedHello.Replace("5;chunk", "4;chunk", StringComparison.Ordinal));

        var answer = await agent.SendAsync(request, certificate);

        Assert.Equal(400, answer.Status);
        Assert.Equal("chunk-signed upload, chunk 2: its data is not followed by CRLF: the size in its header (4 bytes) does not match the data sent", answer.ApiError);
        Assert.Equal("application/xml", answer.Header("Content-Type"));
        Assert.Contains("<Code>InvalidRequest</Code>", answer.Body, StringComparison.Ordinal);
        await AssertAuditedOnceAsync(agent, 400, answer.ApiError!);
    }

    [Fact]
    public async Task MalformedSignature_IsRefused400_AndNeverTakenForAConsoleSignIn()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        using var certificate = agent.Certificates.App();
        using var request = ClientRequests.MalformedSignature();

        var answer = await agent.SendAsync(request, certificate);

        Assert.Equal(400, answer.Status);
        Assert.StartsWith("the request's SigV4 signature is malformed: ", answer.ApiError, StringComparison.Ordinal);
        Assert.Equal("ValidationException", answer.JsonErrorType);
        Assert.Empty(agent.Aws.AssumeRoleCalls);
        Assert.Empty(agent.Aws.SigninTokenCalls);
        await AssertAuditedOnceAsync(agent, 400, answer.ApiError!);
    }

    [Fact]
    public async Task ForwardedHostThatIsNotAws_IsRefused400_SoNoRequestIsSteeredElsewhere()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        using var certificate = agent.Certificates.App();
        using var request = ClientRequests.DynamoDbGetItem(agent.Auth.Time, forwardedHost: "collector.attacker.example");

        var answer = await agent.SendAsync(request, certificate);

        Assert.Equal(400, answer.Status);
        Assert.Equal(AwsEndpointResolver.ForwardedHostError, answer.ApiError);
        Assert.Empty(agent.Aws.AssumeRoleCalls);
        await AssertAuditedOnceAsync(agent, 400, answer.ApiError!);
    }

    [Fact]
    public async Task StsRefusingTheRole_Is403_NamingTheAgentsIdentityAndWhatToGrant()
    {
        await using var agent = await AgentUnderTest.StartAsync();
        agent.Aws.RefusedRoles[TestApps.DynamoArn] = true;
        using var certificate = agent.Certificates.App();
        using var request = ClientRequests.DynamoDbGetItem(agent.Auth.Time);

        var answer = await agent.SendAsync(request, certificate);

        Assert.Equal(403, answer.Status);
        Assert.Equal(
            $"the app service's AWS identity {FakeAws.AgentIdentityArn} is not allowed to assume {TestApps.DynamoArn}: add sts:AssumeRole on it to the agent's IAM policy "
            + "and trust the agent in the role's trust policy",
            answer.ApiError);
        Assert.Equal("AccessDeniedException", answer.JsonErrorType);
        Assert.Single(agent.Aws.AssumeRoleCalls);
        await AssertAuditedOnceAsync(agent, 403, answer.ApiError!);
    }

    [Fact]
    public async Task UnreachableAwsEndpoint_Is503_NamingTheEndpoint()
    {
        var closed = ClosedLoopbackPort();
        await using var agent = await AgentUnderTest.StartAsync(environment: new Dictionary<string, string> { ["AWS_ENDPOINT_URL_DYNAMODB"] = $"http://127.0.0.1:{closed}" });
        using var certificate = agent.Certificates.App();
        using var request = ClientRequests.DynamoDbGetItem(agent.Auth.Time);

        var answer = await agent.SendAsync(request, certificate);

        Assert.Equal(503, answer.Status);
        Assert.StartsWith($"cannot reach AWS at 127.0.0.1:{closed}: ", answer.ApiError, StringComparison.Ordinal);
        Assert.Equal("ServiceUnavailableException", answer.JsonErrorType);
        Assert.Single(agent.Aws.AssumeRoleCalls); // the role's credentials were fetched; only the service was unreachable
        await AssertAuditedOnceAsync(agent, 503, answer.ApiError!);
    }

    private static async Task AssertAuditedOnceAsync(AgentUnderTest agent, int status, string reason)
    {
        Assert.Empty(agent.Aws.ServiceRequests);
        var failed = Assert.Single(await agent.StopAndReadAuditAsync());
        Assert.False(failed.Success);
        Assert.Equal(reason, failed.Error);
        Assert.Equal(status.ToString(System.Globalization.CultureInfo.InvariantCulture), failed.FieldText("status_code"));
    }

    /// <summary>A loopback port nothing listens on (it was just released).</summary>
    private static int ClosedLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
