using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// The AWS SDK for JavaScript v3 with its defaults (default checksums on) through <c>tsh proxy aws</c> in both modes,
/// against moto: PutObject from a Buffer, a stream and a string, each read back byte for byte (the script is
/// tests/Ferry.Integration.Tests/Aws/JsSdk/s3.mjs; its packages are pinned in the lock file beside it).
/// </summary>
public sealed class JsSdkS3Tests : IClassFixture<AwsClusterFixture>
{
    private const string S3Role = "ExampleTeleportS3Role";
    private static readonly string ScriptDirectory = Path.Combine(Binaries.RepositoryRoot, "tests", "Ferry.Integration.Tests", "Aws", "JsSdk");
    private readonly AwsCluster _aws;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public JsSdkS3Tests(AwsClusterFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
    {
        _aws = fixture.Aws;
        _output = output;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PutObjectAndGetObject_WithDefaultChecksums_RoundTrip(bool endpointUrlMode)
    {
        Assert.True(Directory.Exists(Path.Combine(ScriptDirectory, "node_modules", "@aws-sdk", "client-s3")),
            $"the JS SDK is not installed: npm ci --prefix {ScriptDirectory} (scripts/test.sh does it)");
        var user = endpointUrlMode ? "jess" : "jorge";
        await _aws.AddUserWithAwsRoleAsync(user, "access,aws-dynamodb-access,auditor", S3Role);
        var port = FreePort.Next();
        string[] args = endpointUrlMode ? ["--endpoint-url", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture)] : [];
        await using var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment(user), _aws.Cluster.HomeOf(user), args);
        var environment = _aws.Cluster.Environment("client");
        foreach (var (name, value) in proxy.Settings)
        {
            environment[name] = value;
        }

        environment["NODE_EXTRA_CA_CERTS"] = proxy.Settings["AWS_CA_BUNDLE"];
        var bucket = "ferry-js-" + (endpointUrlMode ? "endpoint" : "proxy");
        string[] script = endpointUrlMode ? ["s3.mjs", bucket, $"https://localhost:{port}"] : ["s3.mjs", bucket];

        var result = (await Run.CommandAsync("node", script, environment, workingDirectory: ScriptDirectory)).EnsureSuccess("the JS SDK through tsh proxy aws\n" + proxy.Output);

        _output.WriteLine(result.Stdout);
        var uploads = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.Equal(["buffer.bin", "stream.bin", "text.txt"], uploads.Select(u => u.GetProperty("key").GetString()));
        Assert.All(uploads, u => Assert.True(u.GetProperty("same").GetBoolean(), $"{u.GetProperty("key")} came back different"));
        // How the SDK signed them: a Buffer or string with its SHA-256, a stream as aws-chunked with a CRC32 trailer.
        var payloads = uploads.ToDictionary(u => u.GetProperty("key").GetString()!, u => u.GetProperty("payload").GetString());
        Assert.Matches("^[0-9a-f]{64}$", payloads["buffer.bin"]);
        Assert.Equal("STREAMING-UNSIGNED-PAYLOAD-TRAILER", payloads["stream.bin"]);

        // The SDK's ?x-id=PutObject hint is not taken on trust: the operation comes from the method and path.
        List<JsonElement> events = [];
        await Until.TrueAsync(async () =>
        {
            var audit = (await _aws.Cluster.TctlAsAsync(user, ["audit", "ls", "--since=10m", "--user=" + user, "--format=json", "--service=s3"])).EnsureSuccess("audit ls");
            events = [.. JsonDocument.Parse(audit.Stdout).RootElement.EnumerateArray()];
            return events.Count(e => e.TryGetProperty("aws_operation", out var op) && op.GetString() == "GetObject") >= 3;
        }, "the audit events of the three GetObject calls");
        Assert.Equal(["buffer.bin", "stream.bin", "text.txt"],
            events.Where(e => e.TryGetProperty("aws_operation", out var op) && op.GetString() == "PutObject").Select(e => e.GetProperty("s3_key").GetString()).Order());
    }
}
