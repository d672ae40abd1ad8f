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
    private const string S3RoleArn = "arn:aws:iam::123456789000:role/ExampleTeleportS3Role";
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
        await _aws.Cluster.AddUserAsync(user, "access,aws-dynamodb-access,auditor", AwsCluster.Password);
        (await _aws.Cluster.TctlLocalAsync(["users", "update", user, "--set-aws-role-arns=" + S3RoleArn])).EnsureSuccess("traits");
        (await _aws.Cluster.LoginAsync(user, AwsCluster.Password)).EnsureSuccess("tsh login");
        (await _aws.Cluster.TshAsync(user, ["apps", "login", "--aws-role", "ExampleTeleportS3Role", AwsCluster.AppName])).EnsureSuccess("tsh apps login");
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
}
