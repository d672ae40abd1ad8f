using System.Text;
using Ferry.AppService.Tests.Infrastructure;
using Ferry.Aws;
using Ferry.Aws.SigV4;
using Ferry.Core.Audit;

namespace Ferry.AppService.Tests.Handler;

/// <summary>
/// An allowed API call reaches AWS as the user's IAM role: re-signed with the role's STS credentials (the client's
/// throwaway keys never leave the agent), cluster headers dropped, the answer relayed unchanged, one audit event.
/// </summary>
public sealed class ForwardingTests : IAsyncLifetime
{
    private AgentUnderTest _agent = null!;

    public async Task InitializeAsync() => _agent = await AgentUnderTest.StartAsync();

    public async Task DisposeAsync() => await _agent.DisposeAsync();

    [Fact]
    public async Task SignedDynamoDbCall_ReachesAwsResignedAsTheAssumedRole_AndTheAnswerComesBackUnchanged()
    {
        using var certificate = _agent.Certificates.App(user: "alice");
        using var request = ClientRequests.DynamoDbGetItem(_agent.Auth.Time);

        var answer = await _agent.SendAsync(request, certificate);

        Assert.Equal(200, answer.Status);
        Assert.Equal(FakeAws.ServiceResponseBody, answer.Body);
        Assert.Equal(FakeAws.ServiceRequestId, answer.Header("x-amzn-RequestId"));

        var assumed = Assert.Single(_agent.Aws.AssumeRoleCalls);
        Assert.Equal(TestApps.DynamoArn, assumed.RoleArn);
        Assert.Equal("alice", assumed.RoleSessionName); // CloudTrail shows the user as the session name
        Assert.Contains("Credential=AKIDAGENTEXAMPLE/", assumed.Authorization, StringComparison.Ordinal); // STS is called as the agent

        var sent = Assert.Single(_agent.Aws.ServiceRequests);
        var role = _agent.Aws.IssuedCredentials(0);
        var date = _agent.Auth.Time.GetUtcNow().UtcDateTime.ToString("yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={role.AccessKeyId}/{date}/us-east-1/dynamodb/aws4_request, ", sent.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal(role.SessionToken, sent.Header(SigV4Constants.AmzSecurityTokenHeader));
        Assert.True(VerifiesWith(sent, role).IsValid, VerifiesWith(sent, role).ToString());
        Assert.Equal(ClientRequests.GetItemBody, Encoding.UTF8.GetString(sent.Body));
        Assert.Equal("DynamoDB_20120810.GetItem", sent.Header("X-Amz-Target"));

        // Headers with a meaning inside the cluster stop at the agent; the client's unsigned ones go on unsigned.
        Assert.False(sent.HasHeader(Core.Api.ApiHeaders.ForwardedCertificate));
        Assert.False(sent.HasHeader("X-Forwarded-Host"));
        Assert.False(sent.HasHeader("X-Forwarded-Proto"));
        Assert.Equal(ClientRequests.ClientUserAgent, sent.Header("User-Agent"));
        Assert.DoesNotContain("user-agent", sent.Header("Authorization")!, StringComparison.Ordinal);

        var forwarded = Assert.Single(await _agent.StopAndReadAuditAsync());
        Assert.Equal(EventTypes.AppSessionDynamoDbRequest, forwarded.Type);
        Assert.True(forwarded.Success);
        Assert.Equal("alice", forwarded.User);
        Assert.Equal("200", forwarded.FieldText("status_code"));
        Assert.Equal(TestApps.DynamoArn, forwarded.FieldText("aws_role_arn"));
        Assert.Equal("""["orders"]""", forwarded.FieldText("table_names"));
    }

    [Fact]
    public async Task PresignedS3Get_IsSentHeaderSigned_WithoutTheClientsSigningParameters()
    {
        using var certificate = _agent.Certificates.App(user: "alice");
        using var request = ClientRequests.PresignedS3Get(_agent.Auth.Time);

        var answer = await _agent.SendAsync(request, certificate);

        Assert.Equal(200, answer.Status);
        var sent = Assert.Single(_agent.Aws.ServiceRequests);
        Assert.Equal("/reports/q3.csv?versionId=7", sent.RawTarget); // the signature in a URL would outlive the request in logs
        Assert.Equal(SigV4Constants.UnsignedPayload, sent.Header(SigV4Constants.AmzContentSha256Header));
        Assert.True(VerifiesWith(sent, _agent.Aws.IssuedCredentials(0)).IsValid);
        Assert.Equal("s3", SigV4RequestSignatureOf(sent).Service);
    }

    [Fact]
    public async Task ChunkSignedS3Put_IsResignedChunkByChunk_UnderTheRolesSeedSignature_WithTheFramingKept()
    {
        using var certificate = _agent.Certificates.App(user: "alice");
        using var request = ClientRequests.ChunkSignedS3Put(_agent.Auth.Time);

        var answer = await _agent.SendAsync(request, certificate);

        Assert.Equal(200, answer.Status);
        var sent = Assert.Single(_agent.Aws.ServiceRequests);
        var role = _agent.Aws.IssuedCredentials(0);
        Assert.Equal(SigV4Constants.StreamingSignedPayload, sent.Header(SigV4Constants.AmzContentSha256Header));
        Assert.Equal("11", sent.Header("X-Amz-Decoded-Content-Length"));
        var seed = new SigV4Verifier(_agent.Auth.Time).Verify(AsSigV4Request(sent), SigV4Payload.FromHash(SigV4Constants.StreamingSignedPayload), role);
        Assert.True(seed.IsValid, seed.ToString());

        // Same framing, same length, every chunk signed anew in the chain of the role's seed signature.
        Assert.Equal(ClientRequests.ChunkedHello.Length, sent.Body.Length);
        Assert.DoesNotContain(new string('a', 64), Encoding.ASCII.GetString(sent.Body), StringComparison.Ordinal);
        var chain = Ferry.Aws.SigV4.Streaming.ChunkSignatureChain.ForVerified(SigV4RequestSignatureOf(sent), role);
        await using var verified = Ferry.Aws.SigV4.Streaming.AwsChunkedStream.Verifying(new MemoryStream(sent.Body), chain, trailer: false, decodedLength: 11);
        using var copy = new MemoryStream();
        await verified.CopyToAsync(copy);
        Assert.Equal(sent.Body, copy.ToArray());
    }

    /// <summary>What AWS itself would decide: the project's verifier, with the credentials STS issued, on the agent's clock.</summary>
    private SigV4VerificationResult VerifiesWith(ReceivedRequest sent, AwsCredentials credentials) =>
        new SigV4Verifier(_agent.Auth.Time).Verify(AsSigV4Request(sent), SigV4Payload.FromBody(sent.Body), credentials);

    private static SigV4RequestSignature SigV4RequestSignatureOf(ReceivedRequest sent) =>
        SigV4RequestSignature.TryParse(AsSigV4Request(sent), out var signature, out var failure) ? signature : throw new InvalidOperationException(failure.ToString());

    private static SigV4Request AsSigV4Request(ReceivedRequest sent)
    {
        var question = sent.RawTarget.IndexOf('?', StringComparison.Ordinal);
        var (path, query) = question < 0 ? (sent.RawTarget, "") : (sent.RawTarget[..question], sent.RawTarget[(question + 1)..]);
        return new SigV4Request(sent.Method, sent.Header("Host")!, path, query, sent.Headers);
    }
}
