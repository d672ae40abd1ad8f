using System.Net;
using System.Text;
using Ferry.Aws;
using Ferry.Aws.SigV4;
using Ferry.Aws.SigV4.Streaming;
using Ferry.LocalProxy.Tests.Infrastructure;

namespace Ferry.LocalProxy.Tests;

/// <summary>
/// Uploads whose body streams (docs/aws-services.md "Signing modes"): chunk-signed ones are verified chunk by chunk
/// with the throwaway key and forwarded byte for byte; unsigned ones pass without the buffered body's cap; SigV4a is
/// refused by name.
/// </summary>
public sealed class ChunkSignedUploadTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private static readonly byte[][] Chunks = [Fill(65536, 'x'), Fill(65536, 'y'), Fill(1000, 'z')];

    private StandInUpstream Upstream => fixture.Upstream;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AChunkSignedUpload_IsVerified_AndForwardedByteForByte(bool trailer)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        var (request, body) = ChunkSigned(harness, trailer);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var forwarded = Assert.Single(Upstream.Requests);
        Assert.Equal(body, forwarded.Body);
        Assert.Equal(body.Length.ToString(System.Globalization.CultureInfo.InvariantCulture), forwarded.Header("Content-Length"));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public async Task ATamperedChunkSignature_Gets403_AndNoCompleteBodyIsForwarded(int chunk)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        var (request, _) = ChunkSigned(harness, trailer: false, tamper: chunk);

        var status = await SendAsync(client, request);

        Assert.True(status is HttpStatusCode.Forbidden or null, $"answered {status}"); // a late chunk may cut the connection instead
        Assert.Empty(Upstream.Requests);
        Assert.Contains(harness.Logs.Lines, l => l.EventId == 5030 && l.Message.Contains($"chunk {chunk + 1}: its chunk signature does not match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AChunkWhoseSizeIsWrong_Gets403_AndNothingIsForwarded()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        var (request, body) = ChunkSigned(harness, trailer: false);
        var text = Encoding.Latin1.GetString(body);
        request.Content = Content(Encoding.Latin1.GetBytes(string.Concat("fff0", text.AsSpan(5))), request.Content!);

        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, request));
        Assert.Empty(Upstream.Requests);
        Assert.Contains(harness.Logs.Lines, l => l.EventId == 5030 && l.Message.Contains("does not match the data sent", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AChunkSignedUpload_WithTheSeedSignedByAnotherKey_Gets403BeforeTheBodyIsRead()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        var (request, _) = ChunkSigned(harness, trailer: false, secret: "someone-elses-secret");

        Assert.Equal(HttpStatusCode.Forbidden, await SendAsync(client, request));
        Assert.Empty(Upstream.Requests);
    }

    [Fact]
    public async Task AnUnsignedPayloadLargerThanTheBufferedCap_Streams()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl, maxRequestBodySize: 1024);
        using var client = harness.CreateClient();
        var body = Fill(200_000, 'u');
        using var request = await SignedRequests.CreateAsync(HttpMethod.Put, harness.UrlFor("", "/bucket/k"), harness.Credentials, "s3", body, signPayload: false);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body, Assert.Single(Upstream.Requests).Body);
    }

    [Fact]
    public async Task SigV4a_IsRefusedWithAMessageThatNamesIt()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = harness.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, harness.UrlFor("", "/bucket/k"));
        request.Headers.TryAddWithoutValidation("Authorization",
            $"AWS4-ECDSA-P256-SHA256 Credential={harness.Credentials.AccessKeyId}/20261203/s3/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045022100ab");
        request.Headers.TryAddWithoutValidation("X-Amz-Region-Set", "*");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Contains("<Code>NotImplemented</Code>", body, StringComparison.Ordinal);
        Assert.Contains("SigV4a (AWS4-ECDSA-P256-SHA256", body, StringComparison.Ordinal);
        Assert.Empty(Upstream.Requests);
    }

    /// <summary>Signs the request as an SDK does (the STREAMING literal as payload hash), then chains the chunks from that seed.</summary>
    private static (HttpRequestMessage Request, byte[] Body) ChunkSigned(LocalProxyHarness harness, bool trailer, int tamper = -1, string? secret = null)
    {
        var url = harness.UrlFor("", "/bucket/big.bin");
        var literal = trailer ? SigV4Constants.StreamingSignedPayloadTrailer : SigV4Constants.StreamingSignedPayload;
        var decoded = Chunks.Sum(c => c.Length);
        List<KeyValuePair<string, string>> headers =
        [
            new(SigV4Constants.AmzContentSha256Header, literal),
            new("Content-Encoding", "aws-chunked"),
            new("X-Amz-Decoded-Content-Length", decoded.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ];
        if (trailer)
        {
            headers.Add(new("X-Amz-Trailer", "x-amz-checksum-crc32"));
        }

        var keys = secret is null ? harness.Credentials : new AwsCredentials(harness.Credentials.AccessKeyId, secret);
        var outgoing = new SigV4Request("PUT", url.Authority, url.AbsolutePath, "", headers);
        var signed = new SigV4Resigner().Resign(outgoing, SigV4Payload.FromHash(literal), [.. headers.Select(h => h.Key.ToLowerInvariant()), "host"], "us-east-1", "s3", keys);
        if (!SigV4RequestSignature.TryParse(new SigV4Request("PUT", url.Authority, url.AbsolutePath, "", signed.Headers), out var signature, out var failure))
        {
            throw new InvalidOperationException(failure.ToString());
        }

        var chain = ChunkSignatureChain.ForVerified(signature, keys);
        var body = new MemoryStream();
        var sig = new byte[64];
        for (var i = 0; i <= Chunks.Length; i++)
        {
            var data = i < Chunks.Length ? Chunks[i] : [];
            chain.NextChunk(data, sig);
            if (i == tamper)
            {
                sig[0] = sig[0] == (byte)'0' ? (byte)'1' : (byte)'0';
            }

            body.Write(Encoding.ASCII.GetBytes($"{data.Length:x};chunk-signature={Encoding.ASCII.GetString(sig)}\r\n"));
            body.Write(data);
            if (i < Chunks.Length || !trailer)
            {
                body.Write("\r\n"u8);
            }
        }

        if (trailer)
        {
            const string checksum = "x-amz-checksum-crc32:AAAAAA==";
            chain.Trailer(Encoding.ASCII.GetBytes(checksum + "\n"), sig);
            body.Write(Encoding.ASCII.GetBytes($"{checksum}\r\nx-amz-trailer-signature:{Encoding.ASCII.GetString(sig)}\r\n\r\n"));
        }

        var bytes = body.ToArray();
        var request = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(bytes) };
        foreach (var (name, value) in signed.Headers)
        {
            if (name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers.Host = value;
            }
            else if (name.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
            else
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        return (request, bytes);
    }

    private static ByteArrayContent Content(byte[] bytes, HttpContent like)
    {
        var content = new ByteArrayContent(bytes);
        foreach (var (name, values) in like.Headers)
        {
            if (!name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                content.Headers.TryAddWithoutValidation(name, values);
            }
        }

        return content;
    }

    /// <summary>The status, or null when the local proxy cut the connection (a chunk failed after the answer began).</summary>
    private static async Task<HttpStatusCode?> SendAsync(HttpClient client, HttpRequestMessage request)
    {
        try
        {
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static byte[] Fill(int length, char c) => [.. Enumerable.Repeat((byte)c, length)];
}
