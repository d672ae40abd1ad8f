using System.Security.Cryptography.X509Certificates;
using Ferry.AppService.Tests.Infrastructure;

namespace Ferry.AppService.Tests.Handler;

/// <summary>
/// Requests whose forwarded certificate does not make an app identity of this cluster: refused before anything of
/// the request is used (no STS, no AWS), in the AWS client's error format, with the next step in the message.
/// Nobody verified is behind such a request, so the agent logs it and writes no audit event (AgentRequestHandler).
/// </summary>
public sealed class CallerRefusalTests : IAsyncLifetime
{
    private AgentUnderTest _agent = null!;

    public async Task InitializeAsync() => _agent = await AgentUnderTest.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    /// <summary>What is forwarded, what the client reads, what the operator reads in the log.</summary>
    public static TheoryData<string, string, string> Refusals => new()
    {
        { "none", "an app certificate is required; run tsh apps login", "no app certificate" },
        { "plain-user", "an app certificate is required; run tsh apps login", "no app certificate" },
        { "foreign-ca", "the certificate was not issued by this cluster; log in again with tsh login", "the certificate was not issued by this cluster" },
        { "expired", "the certificate expired at ", "the certificate expired at " },
        { "not-a-certificate", "the forwarded client certificate is malformed", "the forwarded client certificate is malformed" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task UnverifiableCaller_IsRefused403_ReachesNothing_AndIsLoggedNotAudited(string forwarded, string message, string logged)
    {
        using var request = ClientRequests.DynamoDbGetItem(_agent.Auth.Time);
        using var certificate = Certificate(forwarded);
        if (forwarded == "not-a-certificate")
        {
            request.Headers.TryAddWithoutValidation(Core.Api.ApiHeaders.ForwardedCertificate, Convert.ToBase64String("not DER"u8));
        }

        var answer = await _agent.SendAsync(request, certificate);

        Assert.Equal(403, answer.Status);
        Assert.StartsWith(message, answer.ApiError, StringComparison.Ordinal);
        Assert.Equal("AccessDeniedException", answer.JsonErrorType); // a DynamoDB client reads a DynamoDB-shaped error
        Assert.Empty(_agent.Aws.AssumeRoleCalls);
        Assert.Empty(_agent.Aws.ServiceRequests);
        Assert.Contains(_agent.Log.Lines, l => l.Message.StartsWith("Refused a request without a valid app identity: " + logged, StringComparison.Ordinal));
        Assert.Empty(await _agent.StopAndReadAuditAsync());
    }

    private X509Certificate2? Certificate(string forwarded) => forwarded switch
    {
        "plain-user" => _agent.Certificates.PlainUser(),
        "foreign-ca" => _agent.Certificates.Foreign(),
        "expired" => _agent.Certificates.Expired(),
        _ => null,
    };
}
