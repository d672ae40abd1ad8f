using Amazon;
using Amazon.Runtime;
using Amazon.Runtime.Signing;

namespace Ferry.LocalProxy.Tests.Infrastructure;

/// <summary>SigV4-signed HttpRequestMessages made with AWSSDK.Core's public signer, as a .NET client signs them.</summary>
internal static class SignedRequests
{
    public static async Task<HttpRequestMessage> CreateAsync(
        HttpMethod method,
        Uri uri,
        Ferry.Aws.AwsCredentials credentials,
        string service,
        byte[]? body = null,
        IReadOnlyDictionary<string, string>? headers = null,
        string region = "us-east-1",
        bool signPayload = true,
        string? secretOverride = null,
        DateTime? signedAt = null)
    {
        var signing = new AWSSigningRequest { HttpMethod = method, RequestUri = uri, Content = body };
        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
        {
            signing.Headers[k] = v;
        }

        var signed = await AWSSigV4Signer.SignAsync(signing, new AWSSigV4Parameters
        {
            Credentials = new BasicAWSCredentials(credentials.AccessKeyId, secretOverride ?? credentials.SecretAccessKey),
            Region = RegionEndpoint.GetBySystemName(region),
            Service = service,
            SignPayload = signPayload,
            SignedAt = signedAt ?? DateTime.UtcNow,
        }, CancellationToken.None);

        var message = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
        }

        foreach (var (k, v) in headers ?? new Dictionary<string, string>())
        {
            if (k.StartsWith("Content-", StringComparison.OrdinalIgnoreCase))
            {
                message.Content ??= new ByteArrayContent([]);
                message.Content.Headers.TryAddWithoutValidation(k, v);
            }
            else
            {
                message.Headers.TryAddWithoutValidation(k, v);
            }
        }

        foreach (var (k, v) in signed.Headers)
        {
            message.Headers.TryAddWithoutValidation(k, v);
        }

        return message;
    }

    public static Task<HttpRequestMessage> ListTablesAsync(Uri uri, Ferry.Aws.AwsCredentials credentials, string? secretOverride = null, DateTime? signedAt = null) =>
        CreateAsync(HttpMethod.Post, uri, credentials, "dynamodb", "{}"u8.ToArray(),
            new Dictionary<string, string>
            {
                ["Content-Type"] = "application/x-amz-json-1.0",
                ["X-Amz-Target"] = "DynamoDB_20120810.ListTables",
            },
            secretOverride: secretOverride,
            signedAt: signedAt);
}
