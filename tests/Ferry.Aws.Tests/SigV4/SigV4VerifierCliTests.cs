using Ferry.Aws.SigV4;
using Ferry.Aws.Tests.Infrastructure;

namespace Ferry.Aws.Tests.SigV4;

/// <summary>Requests captured from the real aws CLI in endpoint-URL mode (as with `tsh proxy aws -e`), verified by Ferry.</summary>
public sealed class SigV4VerifierCliTests
{
    private static readonly AwsCredentials Creds = SampleRequests.Throwaway;

    [Fact]
    public async Task Verify_AwsCliRequests_Valid()
    {
        await using var server = new TinyHttpServer(r => r.Headers.Any(h => h.Key.Equals("X-Amz-Target", StringComparison.OrdinalIgnoreCase))
            ? (200, "application/x-amz-json-1.0", "{\"TableNames\":[]}")
            : (200, "text/xml", "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>b</Name><IsTruncated>false</IsTruncated></ListBucketResult>"));
        var endpoint = $"http://127.0.0.1:{server.Port}";

        await AwsCli.RunAsync(Creds, "ca-central-1", "dynamodb", "list-tables", "--endpoint-url", endpoint);
        await AwsCli.RunAsync(Creds, "ca-central-1", "dynamodb", "get-item", "--endpoint-url", endpoint, "--table-name", "items", "--key", "{\"pk\":{\"S\":\"ключ ✓\"}}");
        await AwsCli.RunAsync(Creds, "us-east-1", "sts", "get-caller-identity", "--endpoint-url", endpoint);
        await AwsCli.RunAsync(Creds, "us-west-2", "s3api", "list-objects-v2", "--endpoint-url", endpoint, "--bucket", "my-bucket", "--prefix", "a b~c/é", "--delimiter", "/");

        Assert.Equal(4, server.Requests.Count);
        var verifier = new SigV4Verifier();
        foreach (var r in server.Requests)
        {
            var target = r.Target.Split('?', 2);
            var request = new SigV4Request(r.Method, $"127.0.0.1:{server.Port}", target[0], target.Length > 1 ? target[1] : null, r.Headers);

            var result = verifier.Verify(request, SigV4Payload.FromBody(r.Body ?? []), Creds);
            var wrongSecret = verifier.Verify(request, SigV4Payload.FromBody(r.Body ?? []), new AwsCredentials(Creds.AccessKeyId, "wrong"));

            Assert.True(result.Status == SigV4VerificationStatus.Valid, $"{r.Method} {r.Target}: {result}");
            Assert.Equal(SigV4VerificationStatus.SignatureMismatch, wrongSecret.Status);
        }
    }
}
