using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// The AWS SDK for .NET with its defaults through <c>tsh proxy aws</c>, against moto: its PutObject signs the body
/// chunk by chunk (STREAMING-AWS4-HMAC-SHA256-PAYLOAD) and, with checksums on (the default), adds a signed CRC32
/// trailer (…-PAYLOAD-TRAILER). The local proxy verifies every chunk; the agent re-signs them as the role.
/// </summary>
public sealed class DotNetSdkS3Tests : IClassFixture<AwsClusterFixture>
{
    private const string S3Role = "ExampleTeleportS3Role";
    private readonly AwsCluster _aws;

    public DotNetSdkS3Tests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PutObjectChunkSigned_WithAndWithoutChecksums_AndGetObject_RoundTrip(bool endpointUrlMode)
    {
        var user = endpointUrlMode ? "nadia" : "nico";
        await _aws.AddUserWithAwsRoleAsync(user, "access,aws-dynamodb-access,auditor", S3Role);
        var port = FreePort.Next();
        string[] args = endpointUrlMode ? ["--endpoint-url", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        await using var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment(user), _aws.Cluster.HomeOf(user), args);
        using var localCa = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(proxy.Settings["AWS_CA_BUNDLE"]));
        var http = new TrustingHttpClientFactory(localCa, endpointUrlMode ? null : new Uri(proxy.Settings["HTTPS_PROXY"]));
        var bucket = "ferry-dotnet-" + (endpointUrlMode ? "endpoint" : "proxy");

        AmazonS3Client Client(RequestChecksumCalculation checksums)
        {
            var config = new AmazonS3Config { HttpClientFactory = http, RequestChecksumCalculation = checksums, MaxErrorRetry = 0 };
            if (endpointUrlMode)
            {
                config.ServiceURL = $"https://localhost:{port}";
                config.AuthenticationRegion = "us-east-1";
                config.ForcePathStyle = true;
            }
            else
            {
                config.RegionEndpoint = RegionEndpoint.USEast1;
            }

            return new AmazonS3Client(new BasicAWSCredentials(proxy.Settings["AWS_ACCESS_KEY_ID"], proxy.Settings["AWS_SECRET_ACCESS_KEY"]), config);
        }

        using var withChecksums = Client(RequestChecksumCalculation.WHEN_SUPPORTED); // the SDK's default
        using var withoutChecksums = Client(RequestChecksumCalculation.WHEN_REQUIRED);
        await withChecksums.PutBucketAsync(bucket);
        var original = RandomNumberGenerator.GetBytes((1024 * 1024) + 12345); // many 80 KB chunks and a short last one
        foreach (var (client, key) in new[] { (withChecksums, "with-crc.bin"), (withoutChecksums, "plain.bin") })
        {
            var put = await client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = key, InputStream = new MemoryStream(original) });
            Assert.Equal(System.Net.HttpStatusCode.OK, put.HttpStatusCode);
            using var got = await client.GetObjectAsync(bucket, key);
            using var copy = new MemoryStream();
            await got.ResponseStream.CopyToAsync(copy);
            Assert.True(original.AsSpan().SequenceEqual(copy.ToArray()), $"{key} came back different ({copy.Length} of {original.Length} bytes)");
        }

        // The SDK did sign the uploads chunk by chunk, once with a trailer and once without.
        var puts = http.Sent.Where(s => s.Method == "PUT" && s.Path.EndsWith(".bin", StringComparison.Ordinal)).ToList();
        Assert.Contains(puts, p => p.Path.EndsWith("with-crc.bin", StringComparison.Ordinal) && p.PayloadHash == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
        Assert.Contains(puts, p => p.Path.EndsWith("plain.bin", StringComparison.Ordinal) && p.PayloadHash == "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");

        List<JsonElement> events = [];
        await Until.TrueAsync(async () =>
        {
            var audit = (await _aws.Cluster.TctlAsAsync(user, ["audit", "ls", "--since=10m", "--user=" + user, "--format=json", "--type=app.session.request"])).EnsureSuccess("audit ls");
            events = [.. JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray().Where(e => e.TryGetProperty("aws_operation", out _))];
            return events.Count(e => e.GetProperty("aws_operation").GetString() == "GetObject") >= 2;
        }, "the audit events of both GetObject calls");
        var uploads = events.Where(e => e.GetProperty("aws_operation").GetString() == "PutObject").ToList();
        Assert.Equal(["plain.bin", "with-crc.bin"], uploads.Select(e => e.GetProperty("s3_key").GetString()).Order());
        Assert.All(uploads, e => Assert.Equal((bucket, "200"), (e.GetProperty("s3_bucket").GetString(), e.GetProperty("status_code").ToString())));
    }

    /// <summary>
    /// A man in the middle between the SDK and the local proxy changes one byte of a chunk-signed upload: in the first
    /// chunk's data, in its size, or in a chunk near the end. Each is refused by the local proxy (the log names the
    /// chunk); for the first two nothing reaches moto, and no object is ever stored.
    /// </summary>
    [Fact]
    public async Task TamperedChunkSignedUploads_AreRefusedAtTheLocalProxy_AndNoObjectIsStored()
    {
        const string user = "nell";
        await _aws.AddUserWithAwsRoleAsync(user, "access,aws-dynamodb-access", S3Role);
        var port = FreePort.Next();
        await using var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment(user), _aws.Cluster.HomeOf(user), "--endpoint-url", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        using var localCa = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(proxy.Settings["AWS_CA_BUNDLE"]));
        var http = new TrustingHttpClientFactory(localCa);
        using var client = new AmazonS3Client(new BasicAWSCredentials(proxy.Settings["AWS_ACCESS_KEY_ID"], proxy.Settings["AWS_SECRET_ACCESS_KEY"]), new AmazonS3Config
        {
            ServiceURL = $"https://localhost:{port}", AuthenticationRegion = "us-east-1", ForcePathStyle = true, HttpClientFactory = http,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED, MaxErrorRetry = 0,
        });
        const string bucket = "ferry-dotnet-tampered";
        await client.PutBucketAsync(bucket);
        var original = RandomNumberGenerator.GetBytes(1024 * 1024);

        // The body starts "14000;chunk-signature=…" (81,920-byte chunks): offset 0 is the size, 200 the first chunk's data.
        foreach (var (what, offset, reachesMoto) in new[] { ("first chunk's data", 200L, false), ("first chunk's size", 0L, false), ("a chunk near the end", 1_000_000L, true) })
        {
            var before = _aws.Sandbox.RequestCount();
            http.TamperPut = (offset, 0x01);
            var refused = await Record.ExceptionAsync(() => client.PutObjectAsync(new PutObjectRequest { BucketName = bucket, Key = "tampered.bin", InputStream = new MemoryStream(original) }));
            http.TamperPut = null;
            Assert.True(refused is not null, $"{what}: the tampered upload was accepted");
            if (!reachesMoto)
            {
                Assert.Equal(System.Net.HttpStatusCode.Forbidden, Assert.IsType<AmazonS3Exception>(refused).StatusCode);
                Assert.Equal(before, _aws.Sandbox.RequestCount());
            }

            var missing = await Assert.ThrowsAsync<AmazonS3Exception>(() => client.GetObjectMetadataAsync(bucket, "tampered.bin"));
            Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        }

        Assert.Contains("chunk 1: its chunk signature does not match", proxy.Output, StringComparison.Ordinal);
        Assert.Contains("does not match the data sent", proxy.Output, StringComparison.Ordinal);
        Assert.Matches(@"chunk 1[0-9]: its chunk signature does not match", proxy.Output);
    }
}
