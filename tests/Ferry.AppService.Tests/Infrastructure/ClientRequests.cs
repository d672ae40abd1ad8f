using System.Globalization;
using System.Text;
using Ferry.Aws;
using Ferry.Aws.SigV4;

namespace Ferry.AppService.Tests.Infrastructure;

/// <summary>
/// Requests as an AWS client sends them through tsh's local proxy, signed with the throwaway keys tsh hands out.
/// The agent never checks that signature (the local proxy did, and it cannot know the keys); it reads the scope
/// (service, region, signed headers) and re-signs. So the signatures here are real where that is cheap (the
/// project's own signer) and dummy hex where a presigner would be needed.
/// </summary>
internal static class ClientRequests
{
    public const string DynamoDbHost = "dynamodb.us-east-1.amazonaws.com";
    public const string GetItemBody = """{"TableName":"orders","Key":{"id":{"S":"42"}}}""";
    public const string ClientUserAgent = "aws-cli/2.17.0 md/test";

    private static readonly AwsCredentials ThrowawayKeys = new("AKIDLOCALPROXY", "local-proxy-secret");
    private const string StreamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
    private static readonly string DummySignature = new('a', 64);

    /// <summary>DynamoDB GetItem in HTTPS_PROXY mode: Host and X-Forwarded-Host name the AWS endpoint.</summary>
    public static HttpRequestMessage DynamoDbGetItem(TimeProvider time, string? forwardedHost = DynamoDbHost)
    {
        var body = Encoding.UTF8.GetBytes(GetItemBody);
        var request = Signed(time, HttpMethod.Post, DynamoDbHost, "/", "", "dynamodb", body,
            [new("Content-Type", "application/x-amz-json-1.0"), new("X-Amz-Target", "DynamoDB_20120810.GetItem")]);
        request.Headers.UserAgent.ParseAdd(ClientUserAgent);
        if (forwardedHost is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Forwarded-Host", forwardedHost);
        }

        return request;
    }

    /// <summary>
    /// An S3 upload whose body is chunk-signed: the seed signature covers the STREAMING literal as payload hash, and
    /// each chunk's signature chains from it (dummy here: the local proxy verified them, the agent replaces them).
    /// </summary>
    public static HttpRequestMessage ChunkSignedS3Put(TimeProvider time, string? framing = null) =>
        Signed(time, HttpMethod.Put, "s3.us-east-1.amazonaws.com", "/reports/big.bin", "", "s3",
            Encoding.ASCII.GetBytes(framing ?? ChunkedHello),
            [new(SigV4Constants.AmzContentSha256Header, StreamingPayload), new("Content-Encoding", "aws-chunked"), new("X-Amz-Decoded-Content-Length", "11")],
            SigV4Payload.FromHash(StreamingPayload));

    /// <summary>"hello world" in two chunks and the final one, each with a client signature the agent must not keep.</summary>
    public static readonly string ChunkedHello =
        $"6;chunk-signature={DummySignature}\r\nhello \r\n5;chunk-signature={DummySignature}\r\nworld\r\n0;chunk-signature={DummySignature}\r\n\r\n";

    /// <summary>A presigned S3 GET (aws s3 presign): the signature is in the query, next to the client's own parameter.</summary>
    public static HttpRequestMessage PresignedS3Get(TimeProvider time)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var amzDate = now.ToString(SigV4Constants.AmzDateFormat, CultureInfo.InvariantCulture);
        var credential = Uri.EscapeDataString($"{ThrowawayKeys.AccessKeyId}/{amzDate[..8]}/us-east-1/s3/aws4_request");
        var query = $"versionId=7&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential={credential}&X-Amz-Date={amzDate}"
            + $"&X-Amz-Expires=300&X-Amz-SignedHeaders=host&X-Amz-Signature={DummySignature}";
        var request = new HttpRequestMessage(HttpMethod.Get, "/reports/q3.csv?" + query);
        request.Headers.Host = "s3.us-east-1.amazonaws.com";
        return request;
    }

    /// <summary>An Authorization header that claims SigV4 but does not parse.</summary>
    public static HttpRequestMessage MalformedSignature()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/") { Content = new StringContent("{}", Encoding.UTF8, "application/x-amz-json-1.0") };
        request.Headers.TryAddWithoutValidation(SigV4Constants.AuthorizationHeader, "AWS4-HMAC-SHA256 Credential=garbage");
        request.Headers.TryAddWithoutValidation("X-Amz-Target", "DynamoDB_20120810.ListTables");
        return request;
    }

    /// <summary>A browser opening the app: no signature anywhere.</summary>
    public static HttpRequestMessage BrowserOpen(HttpMethod? method = null) => new(method ?? HttpMethod.Get, "/");

    private static HttpRequestMessage Signed(
        TimeProvider time, HttpMethod method, string host, string path, string query, string service, byte[] body, IReadOnlyList<KeyValuePair<string, string>> headers,
        SigV4Payload? payload = null)
    {
        // The project's re-signer is also a plain signer: given the headers to sign, it signs them for the host.
        var signedNames = headers.Select(h => h.Key.ToLowerInvariant()).Append("host").ToList();
        var signed = new SigV4Resigner(time).Resign(
            new SigV4Request(method.Method, host, path, query, headers), payload ?? SigV4Payload.FromBody(body), signedNames, "us-east-1", service, ThrowawayKeys);
        var request = new HttpRequestMessage(method, query.Length == 0 ? path : path + "?" + query) { Content = new ByteArrayContent(body) };
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

        return request;
    }
}
