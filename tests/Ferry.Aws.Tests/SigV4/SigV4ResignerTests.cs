using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Ferry.Aws.SigV4;
using Ferry.Aws.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Aws.Tests.SigV4;

public sealed class SigV4ResignerTests
{
    private static readonly AwsCredentials Real = new("ASIAREALEXAMPLE00001", "real/secret+key", "IQoJb3JpZ2luX2VjEXAMPLE//token==");
    private static readonly DateTimeOffset Now = new(2026, 11, 24, 13, 0, 5, TimeSpan.Zero);
    private readonly SigV4Resigner _resigner = new(new FakeTimeProvider(Now));

    /// <summary>What tsh and the proxy add on the way: none of it was signed by the client.</summary>
    private static WireRequest AsForwarded(WireRequest r) => r
        .WithHeader("X-Forwarded-Host", new Uri(r.Url).Authority)
        .WithHeader("X-Forwarded-For", "10.1.2.3")
        .WithHeader("User-Agent", "aws-cli/1.45.11 Python/3.11.7");

    private SigV4SignedRequest Resign(WireRequest client, string region, string service, string? upstreamAuthority = null)
    {
        var parsed = SigV4Authorization.TryParse(client.Header("Authorization"), out var auth) ? auth : throw new InvalidOperationException("unsigned");
        var uri = client.ToSigV4();
        var outgoing = new SigV4Request(client.Method, upstreamAuthority ?? uri.Authority, uri.RawPath, uri.RawQuery, client.Headers);
        return _resigner.Resign(outgoing, SigV4Payload.FromBody(client.Body), parsed.SignedHeaders, region, service, Real);
    }

    private static WireRequest Upstream(WireRequest client, SigV4SignedRequest signed, string? upstreamAuthority = null)
    {
        var uri = client.ToSigV4();
        var url = $"https://{upstreamAuthority ?? uri.Authority}{uri.RawPath}{(uri.RawQuery.Length > 0 ? "?" + uri.RawQuery : "")}";
        return client with { Url = url, Headers = signed.Headers };
    }

    [Fact]
    public async Task Resign_BotocoreAndDotNetRequests_BotocoreVerifiesResult()
    {
        var upstream = new List<WireRequest>();
        foreach (var (name, (region, service, request)) in SampleRequests.All)
        {
            var cli = request with { Headers = (await Botocore.SignAsync([request], SampleRequests.Throwaway, region, service, SampleRequests.SignedAt))[0] };
            var sdk = await DotNetSigner.SignAsync(request, SampleRequests.Throwaway, region, service, SampleRequests.SignedAt);
            foreach (var client in new[] { AsForwarded(cli), AsForwarded(sdk) })
            {
                var signed = Resign(client, region, service);
                var wire = Upstream(client, signed);
                upstream.Add(wire);

                // Ferry's own verifier agrees too (and proves the spec form is what the re-signer produces).
                var mine = new SigV4Verifier(new FakeTimeProvider(Now)).Verify(wire.ToSigV4(), SigV4Payload.FromBody(wire.Body), Real);
                Assert.True(mine.Status == SigV4VerificationStatus.Valid && mine.FormsTried == 1, $"{name}: {mine}");
            }
        }

        var verdicts = await Botocore.VerifyAsync(upstream, Real);

        for (var i = 0; i < verdicts.Count; i++)
        {
            Assert.True(verdicts[i].Result == "MATCH", $"{upstream[i].Url}: {verdicts[i].Result}\n{verdicts[i].CanonicalRequest}");
        }
    }

    [Fact]
    public async Task Resign_CapturedDynamoDbRequest_ReplacesCredentialsAndRestoresUnsignedHeaders()
    {
        var capture = new CapturingHandler();
        var config = new AmazonDynamoDBConfig { RegionEndpoint = RegionEndpoint.USEast1, HttpClientFactory = new HandlerHttpClientFactory(capture) };
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials(SampleRequests.Throwaway.AccessKeyId, SampleRequests.Throwaway.SecretAccessKey), config);
        await client.ScanAsync(new ScanRequest { TableName = "items" });
        var forwarded = AsForwarded(capture.Requests[0]);

        var signed = Resign(forwarded, "us-east-1", "dynamodb");

        var headers = signed.Headers.ToLookup(h => h.Key.ToLowerInvariant(), h => h.Value);
        Assert.Equal("20261124T130005Z", Assert.Single(headers["x-amz-date"]));
        Assert.Equal(Real.SessionToken, Assert.Single(headers["x-amz-security-token"]));
        Assert.Equal("dynamodb.us-east-1.amazonaws.com", Assert.Single(headers["host"]));
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={Real.AccessKeyId}/20261124/us-east-1/dynamodb/aws4_request, ", Assert.Single(headers["authorization"]), StringComparison.Ordinal);
        Assert.Equal("10.1.2.3", Assert.Single(headers["x-forwarded-for"]));
        Assert.Equal("dynamodb.us-east-1.amazonaws.com", Assert.Single(headers["x-forwarded-host"]));
        Assert.Single(headers["user-agent"]);
        Assert.Contains("x-amz-security-token", signed.SignedHeaders.Split(';'));
        Assert.DoesNotContain("x-forwarded-for", signed.SignedHeaders.Split(';'));
        Assert.DoesNotContain("user-agent", signed.SignedHeaders.Split(';'));
        // The .NET SDK sends and signs X-Amz-Content-Sha256, so it is kept (with the body's hash).
        Assert.Equal(signed.PayloadHash, Assert.Single(headers["x-amz-content-sha256"]));
        Assert.Equal("MATCH", (await Botocore.VerifyAsync([Upstream(forwarded, signed)], Real))[0].Result);
    }

    [Fact]
    public async Task Resign_CliRequestWithoutContentSha256_DoesNotAddIt()
    {
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        var cli = request with { Headers = (await Botocore.SignAsync([request], SampleRequests.Throwaway, region, service, SampleRequests.SignedAt))[0] };
        Assert.Null(cli.Header("X-Amz-Content-Sha256"));

        var signed = Resign(cli, region, service);

        Assert.DoesNotContain(signed.Headers, h => h.Key.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(cli.Body)), signed.PayloadHash);
    }

    [Fact]
    public async Task Resign_UnsignedPayload_KeepsLiteral()
    {
        var (region, _, request) = SampleRequests.All["s3-put-object"];
        var unsigned = request.WithHeader("X-Amz-Content-SHA256", "UNSIGNED-PAYLOAD");
        // botocore's S3 signer would replace the literal over https, so sign as a generic service: only the SignedHeaders list matters here.
        var cli = unsigned with { Headers = (await Botocore.SignAsync([unsigned], SampleRequests.Throwaway, region, "execute-api", SampleRequests.SignedAt))[0] };

        var signed = Resign(cli, region, "s3");

        Assert.Equal("UNSIGNED-PAYLOAD", signed.PayloadHash);
        Assert.Contains(signed.Headers, h => h.Key.Equals("x-amz-content-sha256", StringComparison.OrdinalIgnoreCase) && h.Value == "UNSIGNED-PAYLOAD");
        Assert.Equal("MATCH", (await Botocore.VerifyAsync([Upstream(cli, signed)], Real))[0].Result);
    }

    [Fact]
    public async Task Resign_EndpointOverride_SignsOverrideHost()
    {
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        var sdk = await DotNetSigner.SignAsync(request, SampleRequests.Throwaway, region, service, SampleRequests.SignedAt);

        var signed = Resign(sdk, region, service, upstreamAuthority: "127.0.0.1:4566");

        Assert.Contains(signed.Headers, h => h.Key == "Host" && h.Value == "127.0.0.1:4566");
        Assert.Equal("MATCH", (await Botocore.VerifyAsync([Upstream(sdk, signed, "127.0.0.1:4566")], Real))[0].Result);
    }

    [Fact]
    public async Task Resign_LongLivedCredentials_NoSecurityToken()
    {
        var (region, service, request) = SampleRequests.All["sts-form"];
        var sdk = await DotNetSigner.SignAsync(request, SampleRequests.Throwaway, region, service, SampleRequests.SignedAt);
        var parsed = SigV4Authorization.TryParse(sdk.Header("Authorization"), out var a) ? a : null;
        var longLived = new AwsCredentials("AKIALONGLIVED", "long-lived-secret");

        var signed = _resigner.Resign(sdk.ToSigV4(), SigV4Payload.FromBody(sdk.Body), parsed!.SignedHeaders, region, service, longLived);

        Assert.DoesNotContain(signed.Headers, h => h.Key.Equals("x-amz-security-token", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(SigV4VerificationStatus.Valid, new SigV4Verifier(new FakeTimeProvider(Now)).Verify(Upstream(sdk, signed).ToSigV4(), SigV4Payload.FromBody(sdk.Body), longLived).Status);
    }

    [Fact]
    public void Resign_SameDay_ReusesDerivedSigningKey()
    {
        var time = new FakeTimeProvider(Now);
        var keys = new SigningKeyCache();
        var resigner = new SigV4Resigner(time, keys);
        var request = new SigV4Request("GET", "sts.us-east-1.amazonaws.com", "/", "Action=GetCallerIdentity&Version=2011-06-15", []);

        resigner.Resign(request, SigV4Payload.Empty, ["host"], "us-east-1", "sts", Real);
        time.Advance(TimeSpan.FromMinutes(5));
        resigner.Resign(request, SigV4Payload.Empty, ["host"], "us-east-1", "sts", Real);
        Assert.Equal(1, keys.Count);

        time.Advance(TimeSpan.FromDays(1));
        resigner.Resign(request, SigV4Payload.Empty, ["host"], "us-east-1", "sts", Real);
        Assert.Equal(2, keys.Count);
    }
}
