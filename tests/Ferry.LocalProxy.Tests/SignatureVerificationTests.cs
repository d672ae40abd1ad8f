using System.Net;
using Ferry.LocalProxy.Tests.Infrastructure;

namespace Ferry.LocalProxy.Tests;

/// <summary>
/// "Signatures mean something", through the real local proxy in both modes: a forged signature with User-Agent signed,
/// a stale or future X-Amz-Date and a tampered or expired presigned URL get 403 with an empty body, a log line that
/// names the reason, and reach nothing upstream; a valid presigned GET is forwarded as sent (docs/architecture.md).
/// </summary>
public sealed class SignatureVerificationTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private const string DynamoHost = "dynamodb.us-east-1.amazonaws.com";
    private const string StsHost = "sts.us-east-1.amazonaws.com";
    private const int SignatureRejected = 5030;

    private StandInUpstream Upstream => fixture.Upstream;

    [Theory]
    [InlineData(AwsLocalProxyMode.HttpsProxy)]
    [InlineData(AwsLocalProxyMode.EndpointUrl)]
    public async Task UserAgentSigned_ForgedSignatureRefused_ValidOneForwarded(AwsLocalProxyMode mode)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, mode);
        var url = harness.UrlFor(DynamoHost, "/").ToString();

        var forged = await BotocoreAsync(harness, "send-user-agent-signed", url, "forge");

        Assert.Equal("403", forged);
        Assert.Empty(Upstream.Requests);
        AssertRefusalLogged(harness, "SignatureMismatch");

        var valid = await BotocoreAsync(harness, "send-user-agent-signed", url, "valid");

        Assert.True(valid == "200", $"{valid}\n{harness.LogText}");
        var forwarded = Assert.Single(Upstream.Requests);
        Assert.Contains("user-agent", forwarded.Header("Authorization"), StringComparison.Ordinal);
        Assert.Equal("aws-sdk-java/1.12.780 Linux/6.1", forwarded.Header("User-Agent"));
    }

    [Theory]
    [InlineData(AwsLocalProxyMode.HttpsProxy, -16, "DateTooOld")]
    [InlineData(AwsLocalProxyMode.EndpointUrl, -16, "DateTooOld")]
    [InlineData(AwsLocalProxyMode.HttpsProxy, 16, "DateInFuture")]
    [InlineData(AwsLocalProxyMode.EndpointUrl, 16, "DateInFuture")]
    public async Task SignedOutsideThe15MinuteWindow_Gets403_AndNothingIsForwarded(AwsLocalProxyMode mode, int minutes, string status)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, mode);
        using var client = harness.CreateClient();
        var url = harness.UrlFor(DynamoHost, "/");
        using var request = await SignedRequests.ListTablesAsync(url, harness.Credentials, signedAt: DateTime.UtcNow.AddMinutes(minutes));

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(Upstream.Requests);
        AssertRefusalLogged(harness, status);

        // The same request signed 14 minutes off is inside the window.
        using var inside = await SignedRequests.ListTablesAsync(url, harness.Credentials, signedAt: DateTime.UtcNow.AddMinutes(minutes < 0 ? -14 : 14));
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(inside)).StatusCode);
        Assert.Single(Upstream.Requests);
    }

    [Theory]
    [InlineData(AwsLocalProxyMode.HttpsProxy)]
    [InlineData(AwsLocalProxyMode.EndpointUrl)]
    public async Task ValidPresignedGet_IsForwardedAsSent(AwsLocalProxyMode mode)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, mode);
        using var client = harness.CreateClient();
        var url = await PresignGetCallerIdentityAsync(harness);

        using var response = await client.GetAsync(url);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{harness.LogText}");
        var forwarded = Assert.Single(Upstream.Requests);
        Assert.Equal("GET", forwarded.Method);
        Assert.Equal(url[url.IndexOf("/?", StringComparison.Ordinal)..], forwarded.RawTarget);
        Assert.Null(forwarded.Header("Authorization"));
        Assert.Equal(mode == AwsLocalProxyMode.HttpsProxy ? StsHost : null, forwarded.ForwardedHost);
    }

    [Fact]
    public async Task PresignedS3GetObject_IsForwarded()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        var url = await BotocoreAsync(harness, "presign", "s3", "get_object", """{"Bucket":"my-bucket","Key":"dir/a b.txt"}""", "60", "0",
            harness.Proxy.Endpoint.ToString().TrimEnd('/'));

        using var response = await client.GetAsync(url);

        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{response.StatusCode}\n{url}\n{harness.LogText}");
        Assert.StartsWith("/my-bucket/dir/a%20b.txt?", Assert.Single(Upstream.Requests).RawTarget, StringComparison.Ordinal);
    }

    public static TheoryData<AwsLocalProxyMode, string, string> PresignedForgeries()
    {
        var data = new TheoryData<AwsLocalProxyMode, string, string>();
        foreach (var mode in new[] { AwsLocalProxyMode.HttpsProxy, AwsLocalProxyMode.EndpointUrl })
        {
            data.Add(mode, "path", "SignatureMismatch");
            data.Add(mode, "query", "SignatureMismatch");
            data.Add(mode, "signature", "SignatureMismatch");
            data.Add(mode, "no signature", "MalformedPresignedQuery");
            data.Add(mode, "expires over 7 days", "InvalidExpires");
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PresignedForgeries))]
    public async Task TamperedPresignedUrl_Gets403_AndNothingIsForwarded(AwsLocalProxyMode mode, string tampering, string status)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, mode);
        using var client = harness.CreateClient();
        var url = await PresignGetCallerIdentityAsync(harness);
        var signatureAt = url.IndexOf("&X-Amz-Signature=", StringComparison.Ordinal);
        var tampered = tampering switch
        {
            "path" => url.Replace("/?", "/iam/?", StringComparison.Ordinal),
            "query" => url.Replace("Action=GetCallerIdentity", "Action=GetSessionToken", StringComparison.Ordinal),
            "signature" => url[..^8] + "00000000",
            "no signature" => url[..signatureAt],
            _ => url.Replace("X-Amz-Expires=300", "X-Amz-Expires=604801", StringComparison.Ordinal),
        };
        Assert.NotEqual(url, tampered);

        using var response = await client.GetAsync(tampered);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
        Assert.Empty(Upstream.Requests);
        AssertRefusalLogged(harness, status, url[(signatureAt + "&X-Amz-Signature=".Length)..]);
    }

    [Fact]
    public async Task ExpiredPresignedUrl_Gets403_AndNothingIsForwarded()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        // Presigned ten minutes ago for one minute (the 15-minute skew does not extend an expiry).
        var url = await BotocoreAsync(harness, "presign", "sts", "get_caller_identity", "{}", "60", "-600", harness.Proxy.Endpoint.ToString().TrimEnd('/'));

        using var response = await client.GetAsync(url);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(Upstream.Requests);
        AssertRefusalLogged(harness, "Expired");
    }

    private static Task<string> PresignGetCallerIdentityAsync(LocalProxyHarness harness) =>
        harness.Proxy.Mode == AwsLocalProxyMode.HttpsProxy
            ? BotocoreAsync(harness, "presign", "sts", "get_caller_identity", "{}", "300", "0")
            : BotocoreAsync(harness, "presign", "sts", "get_caller_identity", "{}", "300", "0", harness.Proxy.Endpoint.ToString().TrimEnd('/'));

    private static async Task<string> BotocoreAsync(LocalProxyHarness harness, params string[] arguments)
    {
        var script = Path.Combine(AppContext.BaseDirectory, "Infrastructure", "botocore_client.py");
        var result = await ChildProcess.RunAsync("python3", [script, .. arguments], harness.Proxy.GetEnvironment());
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput.Trim();
    }

    /// <summary>One warning names the status; none holds the signature or the secret.</summary>
    private static void AssertRefusalLogged(LocalProxyHarness harness, string status, string? signature = null)
    {
        var line = Assert.Single(harness.Logs.Lines, l => l.EventId == SignatureRejected);
        Assert.Contains($": {status}: ", line.Message, StringComparison.Ordinal);
        Assert.Contains("answered 403 and forwarded nothing", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Credentials.SecretAccessKey, harness.LogText, StringComparison.Ordinal);
        if (signature is not null)
        {
            Assert.DoesNotContain(signature, harness.LogText, StringComparison.Ordinal);
        }
    }
}
