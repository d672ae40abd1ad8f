using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using Ferry.LocalProxy.Tests.Infrastructure;

namespace Ferry.LocalProxy.Tests;

/// <summary>What the local proxy verifies and what reaches the Ferry proxy (docs/aws-access.md §1.4, §1.5), over HttpClient.</summary>
public sealed class ForwardingTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private const string S3Host = "s3.us-east-1.amazonaws.com";

    private StandInUpstream Upstream => fixture.Upstream;

    [Theory]
    [InlineData(AwsLocalProxyMode.HttpsProxy)]
    [InlineData(AwsLocalProxyMode.EndpointUrl)]
    public async Task UnsignedRequest_Gets403WithEmptyBody_AndNothingIsForwarded(AwsLocalProxyMode mode)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, mode);
        using var client = harness.CreateClient();

        using var response = await client.PostAsync(harness.UrlFor("dynamodb.us-east-1.amazonaws.com", "/"), new StringContent("{}"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(Upstream.Requests);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/20250101/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=")]
    [InlineData("AWS4-HMAC-SHA256 Credential=AKID/us-east-1/dynamodb/aws4_request, SignedHeaders=host, Signature=00")]
    [InlineData("Bearer abc")]
    public async Task MalformedAuthorization_Gets403WithEmptyBody(string authorization)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, harness.UrlFor("", "/"));
        request.Headers.TryAddWithoutValidation("Authorization", authorization);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task WrongSecretOrWrongKeyId_Gets403()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var client = harness.CreateClient();
        var url = harness.UrlFor("dynamodb.us-east-1.amazonaws.com", "/");

        using var wrongSecret = await SignedRequests.ListTablesAsync(url, harness.Credentials, secretOverride: "wrong");
        using var wrongKey = await SignedRequests.ListTablesAsync(url, new Ferry.Aws.AwsCredentials("AKIDOTHER", harness.Credentials.SecretAccessKey));

        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(wrongSecret)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await client.SendAsync(wrongKey)).StatusCode);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task TamperedBody_Gets403()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        using var request = await SignedRequests.ListTablesAsync(harness.UrlFor("", "/"), harness.Credentials);
        request.Content = new ByteArrayContent("{\"Limit\":1}"u8.ToArray());
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/x-amz-json-1.0");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task ReservedAndHopByHopHeaders_AreStripped_HostAndRawTargetKept()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var client = harness.CreateClient();
        // (Not %2F: AWSSDK.Core's signer canonicalises it as "/" while S3, botocore and Ferry's verifier keep it as sent.)
        const string target = "/=bucket=name=/a%3Db%20c~d?list-type=2&prefix=a%20b&empty=";
        using var request = await SignedRequests.CreateAsync(HttpMethod.Get, new Uri($"https://{S3Host}{target}"), harness.Credentials, "s3");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example.com");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "10.0.0.1");
        request.Headers.TryAddWithoutValidation("X-Teleport-Aws-Assumed-Role", "arn:aws:iam::123456789012:role/forged");
        request.Headers.TryAddWithoutValidation("X-Ferry-Forwarded-Cert", "forged");
        request.Headers.TryAddWithoutValidation("Forwarded", "for=10.0.0.1");
        request.Headers.TryAddWithoutValidation("X-Custom", "kept");

        using var response = await client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{harness.LogText}");
        var recorded = Assert.Single(Upstream.Requests);
        Assert.Equal(target, recorded.RawTarget);
        Assert.Equal(S3Host, recorded.Host);
        Assert.Equal(S3Host, recorded.ForwardedHost);
        Assert.Null(recorded.Header("X-Forwarded-For"));
        Assert.Null(recorded.Header("X-Teleport-Aws-Assumed-Role"));
        Assert.Null(recorded.Header("X-Ferry-Forwarded-Cert"));
        Assert.Null(recorded.Header("Forwarded"));
        Assert.Equal("kept", recorded.Header("X-Custom"));
        Assert.NotNull(recorded.Header("Authorization"));
        Assert.NotNull(recorded.Header("X-Amz-Date"));
    }

    [Fact]
    public async Task ExpectContinue_10MbPut_StreamsThroughIntact()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var client = harness.CreateClient();
        var body = RandomNumberGenerator.GetBytes(10 * 1024 * 1024);
        using var request = await SignedRequests.CreateAsync(HttpMethod.Put, new Uri($"https://{S3Host}/bucket/big%20object.bin"), harness.Credentials, "s3", body,
            new Dictionary<string, string> { ["Content-Type"] = "application/octet-stream" });
        request.Headers.ExpectContinue = true;

        using var response = await client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{harness.LogText}");
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
        var recorded = Assert.Single(Upstream.Requests);
        Assert.Equal(body.Length, recorded.Body.Length);
        Assert.Equal(SHA256.HashData(body), SHA256.HashData(recorded.Body));
        Assert.Null(recorded.Header("Expect"));
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), recorded.Header("Content-Length"));
    }

    [Fact]
    public async Task ChunkedUnsignedPayload_IsBufferedAndForwarded()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        var body = RandomNumberGenerator.GetBytes(300_000);
        using var request = await SignedRequests.CreateAsync(HttpMethod.Put, harness.UrlFor("", "/bucket/chunked"), harness.Credentials, "s3", signPayload: false);
        request.Content = new StreamContent(new NonSeekableStream(body)); // no length: sent chunked
        request.Headers.TransferEncodingChunked = true;

        using var response = await client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{harness.LogText}");
        Assert.Equal("UNSIGNED-PAYLOAD", Assert.Single(Upstream.Requests).Header("X-Amz-Content-Sha256"));
        Assert.Equal(body, Assert.Single(Upstream.Requests).Body);
    }

    [Fact]
    public async Task BodyOverTheCap_Gets413_AndNothingIsForwarded()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl, maxRequestBodySize: 1024);
        using var client = harness.CreateClient();
        using var withLength = await SignedRequests.CreateAsync(HttpMethod.Put, harness.UrlFor("", "/bucket/k"), harness.Credentials, "s3", new byte[2048]);
        using var chunked = await SignedRequests.CreateAsync(HttpMethod.Put, harness.UrlFor("", "/bucket/k"), harness.Credentials, "s3", new byte[4096]);
        chunked.Content = new StreamContent(new NonSeekableStream(new byte[4096]));
        chunked.Headers.TransferEncodingChunked = true;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(withLength)).StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, (await client.SendAsync(chunked)).StatusCode);
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task UpstreamApiError_IsPassedBackAndLoggedAsWarning()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        using var request = await SignedRequests.CreateAsync(HttpMethod.Get, harness.UrlFor("", "/api-error"), harness.Credentials, "execute-api");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("Forbidden", await response.Content.ReadAsStringAsync());
        Assert.Equal("access to app denied", response.Headers.GetValues("X-Teleport-Api-Error").Single());
        Assert.Contains(harness.Logs.Lines, l => l.EventId == 5032 && l.Level == Microsoft.Extensions.Logging.LogLevel.Warning && l.Message.Contains("access to app denied", StringComparison.Ordinal));
        Assert.Contains(harness.Logs.Lines, l => l.EventId == 5033 && l.Message.Contains("an informational note", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpstreamUnreachable_Gets502WithPlainTextAndApiError()
    {
        using var closed = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var harness = await LocalProxyHarness.StartAsync(new Uri($"https://localhost:{port}"), AwsLocalProxyMode.HttpsProxy);
        using var client = harness.CreateClient();
        using var request = await SignedRequests.ListTablesAsync(new Uri("https://dynamodb.us-east-1.amazonaws.com/"), harness.Credentials);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Ferry proxy", await response.Content.ReadAsStringAsync());
        Assert.Contains($"localhost:{port}", response.Headers.GetValues("X-Teleport-Api-Error").Single());
        Assert.Equal("text/plain; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task KeepAlive_ManyRequestsOnOneConnection_AllForwarded()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var client = harness.CreateClient();
        for (var i = 0; i < 20; i++)
        {
            using var request = await SignedRequests.ListTablesAsync(new Uri("https://dynamodb.us-east-1.amazonaws.com/"), harness.Credentials);
            using var response = await client.SendAsync(request);
            Assert.Equal(StandInUpstream.ListTablesJson, await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(20, Upstream.Requests.Count);
        Assert.DoesNotContain(harness.Logs.Lines, l => l.EventId == 5010 && harness.Logs.Lines.Count(x => x.EventId == 5010) > 1);
    }

    [Fact]
    public async Task Http2ToUpstream_Forwards()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy, upstreamVersion: HttpVersion.Version20);
        using var client = harness.CreateClient();
        using var request = await SignedRequests.ListTablesAsync(new Uri("https://dynamodb.us-east-1.amazonaws.com/"), harness.Credentials);

        using var response = await client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{harness.LogText}");
        var recorded = Assert.Single(Upstream.Requests);
        Assert.Equal("HTTP/2", recorded.Protocol);
        Assert.Equal("dynamodb.us-east-1.amazonaws.com", recorded.Host);
        Assert.Equal("localhost", recorded.ServerName);
    }

    [Fact]
    public async Task Http2Client_EndpointUrlMode_IsServed()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        using var request = await SignedRequests.ListTablesAsync(harness.UrlFor("", "/"), harness.Credentials);
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;

        using var response = await client.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{harness.LogText}");
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal(StandInUpstream.ListTablesJson, await response.Content.ReadAsStringAsync());
        Assert.Equal($"localhost:{harness.Proxy.Port}", Assert.Single(Upstream.Requests).Host);
    }

    /// <summary>A stream without a length, so HttpClient has to send it chunked.</summary>
    private sealed class NonSeekableStream(byte[] data) : MemoryStream(data)
    {
        public override bool CanSeek => false;
    }
}
