using System.Text;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Ferry.Aws.SigV4;
using Ferry.Aws.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Aws.Tests.SigV4;

public sealed class SigV4VerifierTests
{
    private static readonly AwsCredentials Creds = SampleRequests.Throwaway;
    // The verifier's clock reads the samples' signing time, so the freshness window is not what these tests are about.
    private readonly SigV4Verifier _verifier = new(new FakeTimeProvider(SampleRequests.SignedAt));

    [Theory]
    [MemberData(nameof(SampleRequests.Names), MemberType = typeof(SampleRequests))]
    public async Task Verify_DotNetSignerRequest_Valid(string name)
    {
        var (region, service, request) = SampleRequests.All[name];
        var signed = await DotNetSigner.SignAsync(request, Creds, region, service, SampleRequests.SignedAt);

        var result = _verifier.Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), Creds);

        Assert.True(result.Status == SigV4VerificationStatus.Valid, result.ToString());
        // The spec form matches first, except "a//b", which the .NET signer does not collapse (the fallback form).
        Assert.Equal(name == "double-slash-path" ? 2 : 1, result.FormsTried);
    }

    [Fact]
    public async Task Verify_BotocoreSignedRequests_Valid()
    {
        var names = SampleRequests.All.Keys.ToList();
        foreach (var name in names)
        {
            var (region, service, request) = SampleRequests.All[name];
            var headers = (await Botocore.SignAsync([request], Creds, region, service, SampleRequests.SignedAt))[0];
            var signed = request with { Headers = headers };

            var result = _verifier.Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), Creds);

            Assert.True(result.Status == SigV4VerificationStatus.Valid, $"{name}: {result}");
            Assert.Equal(1, result.FormsTried);
        }
    }

    [Fact]
    public async Task Verify_DynamoDbClientRequests_Valid()
    {
        var capture = new CapturingHandler("{\"TableNames\":[]}");
        var config = new AmazonDynamoDBConfig { RegionEndpoint = RegionEndpoint.USEast1, HttpClientFactory = new HandlerHttpClientFactory(capture) };
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials(Creds.AccessKeyId, Creds.SecretAccessKey), config);

        await client.ListTablesAsync(new ListTablesRequest());
        await client.PutItemAsync("items", new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "ключ ✓ 😀" } });

        Assert.Equal(2, capture.Requests.Count);
        foreach (var request in capture.Requests)
        {
            Assert.Contains(request.Headers, h => h.Key.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase));
            var result = new SigV4Verifier().Verify(request.ToSigV4(), SigV4Payload.FromBody(request.Body), Creds); // signed just now
            Assert.True(result.Status == SigV4VerificationStatus.Valid, result.ToString());
        }

        // Independent check that the captures are what AWS would see: botocore agrees.
        var verdicts = await Botocore.VerifyAsync(capture.Requests, Creds);
        Assert.All(verdicts, v => Assert.Equal("MATCH", v.Result));
    }

    public static TheoryData<string, Func<WireRequest, WireRequest>, SigV4VerificationStatus> Tampering => new()
    {
        { "body", r => r with { Body = Encoding.UTF8.GetBytes("{\"TableName\":\"other\"}") }, SigV4VerificationStatus.SignatureMismatch },
        { "signed header", r => r.WithHeader("X-Amz-Target", "DynamoDB_20120810.DeleteTable"), SigV4VerificationStatus.SignatureMismatch },
        { "path", r => r with { Url = r.Url + "x" }, SigV4VerificationStatus.SignatureMismatch },
        { "query", r => r with { Url = r.Url + "?a=1" }, SigV4VerificationStatus.SignatureMismatch },
        { "method", r => r with { Method = "PUT" }, SigV4VerificationStatus.SignatureMismatch },
        { "date", r => r.WithHeader("X-Amz-Date", "20261124T123601Z"), SigV4VerificationStatus.SignatureMismatch },
        { "date off scope", r => r.WithHeader("X-Amz-Date", "20261125T123600Z"), SigV4VerificationStatus.InvalidDate },
        { "date malformed", r => r.WithHeader("X-Amz-Date", "2026-11-24T12:36:00Z"), SigV4VerificationStatus.InvalidDate },
        { "no date", r => r with { Headers = r.Headers.Where(h => h.Key != "X-Amz-Date").ToList() }, SigV4VerificationStatus.MissingDate },
        { "signed header removed", r => r with { Headers = r.Headers.Where(h => h.Key != "X-Amz-Target").ToList() }, SigV4VerificationStatus.MissingSignedHeader },
        { "signature", r => r.WithHeader("Authorization", r.Header("Authorization")![..^4] + "0000"), SigV4VerificationStatus.SignatureMismatch },
        { "short signature", r => r.WithHeader("Authorization", r.Header("Authorization")![..^4]), SigV4VerificationStatus.SignatureMismatch },
        { "no authorization", r => r with { Headers = r.Headers.Where(h => h.Key != "Authorization").ToList() }, SigV4VerificationStatus.MissingAuthorization },
        { "malformed authorization", r => r.WithHeader("Authorization", "AWS4-HMAC-SHA256 Credential=x"), SigV4VerificationStatus.MalformedAuthorization },
        { "unsigned header added", r => r.WithHeader("X-Forwarded-For", "10.0.0.1"), SigV4VerificationStatus.Valid },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Verify_TamperedRequest_Rejected(string what, Func<WireRequest, WireRequest> tamper, SigV4VerificationStatus expected)
    {
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        var signed = tamper(await DotNetSigner.SignAsync(request, Creds, region, service, SampleRequests.SignedAt));

        var result = _verifier.Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), Creds);

        Assert.True(expected == result.Status, $"{what}: {result}");
    }

    [Fact]
    public async Task Verify_WrongSecret_Fails()
    {
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        var signed = await DotNetSigner.SignAsync(request, Creds, region, service, SampleRequests.SignedAt);

        var result = _verifier.Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), new AwsCredentials(Creds.AccessKeyId, "not-the-secret"));

        Assert.Equal(SigV4VerificationStatus.SignatureMismatch, result.Status);
        Assert.False(result.IsValid);
        Assert.DoesNotContain(result.Signature!.Signature, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_WrongAccessKey_Fails()
    {
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        var signed = await DotNetSigner.SignAsync(request, new AwsCredentials("AKIDOTHER", Creds.SecretAccessKey), region, service, SampleRequests.SignedAt);

        var result = _verifier.Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), Creds);

        Assert.Equal(SigV4VerificationStatus.AccessKeyMismatch, result.Status);
    }

    [Theory]
    [InlineData("UNSIGNED-PAYLOAD")]
    [InlineData("STREAMING-UNSIGNED-PAYLOAD-TRAILER")]
    public async Task Verify_UnsignedPayloadLiteral_IgnoresBody(string literal)
    {
        var (region, _, request) = SampleRequests.All["s3-put-object"];
        var signed = await Botocore.SignAsync([request.WithHeader("X-Amz-Content-SHA256", literal)], Creds, region, "execute-api", SampleRequests.SignedAt);
        var wire = request with { Headers = signed[0], Body = Encoding.UTF8.GetBytes("a different body") };

        var result = _verifier.Verify(wire.ToSigV4(), SigV4Payload.FromBody(wire.Body), Creds);

        Assert.Equal(literal, wire.Header("X-Amz-Content-SHA256"));
        Assert.True(result.Status == SigV4VerificationStatus.Valid, result.ToString());
    }

    [Fact]
    public async Task Verify_S3BucketNamedWithEquals_NoDoubleEncoding()
    {
        // Teleport's TestHandleAWSAccessS3Signing: a bucket named "=bucket=name=" verifies only without a second escaping.
        var request = new WireRequest("GET", "https://s3.us-east-1.amazonaws.com/=bucket=name=/?list-type=2", [], []);
        var botocore = request with { Headers = (await Botocore.SignAsync([request], Creds, "us-east-1", "s3", SampleRequests.SignedAt))[0] };
        var dotnet = await DotNetSigner.SignAsync(request, Creds, "us-east-1", "s3", SampleRequests.SignedAt);

        Assert.Equal(SigV4VerificationStatus.Valid, _verifier.Verify(botocore.ToSigV4(), SigV4Payload.Empty, Creds).Status);
        Assert.Equal(SigV4VerificationStatus.Valid, _verifier.Verify(dotnet.ToSigV4(), SigV4Payload.Empty, Creds).Status);

        // The same request signed as a non-S3 service is double-encoded, so it does not verify as S3.
        var asApi = request with { Headers = (await Botocore.SignAsync([request], Creds, "us-east-1", "execute-api", SampleRequests.SignedAt))[0] };
        var forged = asApi.WithHeader("Authorization", asApi.Header("Authorization")!.Replace("/execute-api/", "/s3/", StringComparison.Ordinal));
        Assert.Equal(SigV4VerificationStatus.SignatureMismatch, _verifier.Verify(forged.ToSigV4(), SigV4Payload.Empty, Creds).Status);
    }

    [Fact]
    public async Task Verify_SessionCredentials_Valid()
    {
        var session = new AwsCredentials("ASIAEXAMPLE", "secret/with+chars", "FQoGZXIvYXdzE//token==");
        var (region, service, request) = SampleRequests.All["sts-form"];
        var signed = await DotNetSigner.SignAsync(request, session, region, service, SampleRequests.SignedAt);

        Assert.Equal(SigV4VerificationStatus.Valid, _verifier.Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), session).Status);
    }

    [Fact]
    public async Task Verify_PrecomputedPayloadHash_Valid()
    {
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        var signed = await DotNetSigner.SignAsync(request, Creds, region, service, SampleRequests.SignedAt);
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(signed.Body));

        Assert.Equal(SigV4VerificationStatus.Valid, _verifier.Verify(signed.ToSigV4(), SigV4Payload.FromHash(hash), Creds).Status);
    }
}
