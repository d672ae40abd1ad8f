using Ferry.LocalProxy.Tests.Infrastructure;

namespace Ferry.LocalProxy.Tests;

/// <summary>
/// The real AWS clients of this machine (docs/testing.md §1) against the local proxy: the pyenv aws CLI v1 on PATH,
/// Debian's aws CLI v2 at /usr/bin/aws, and boto3, each with exactly the environment tsh would hand it.
/// </summary>
public sealed class AwsCliTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private const string DynamoHost = "dynamodb.us-east-1.amazonaws.com";

    private StandInUpstream Upstream => fixture.Upstream;

    [Fact]
    public async Task PyenvAwsCli_HttpsProxyMode_ListsTablesThroughTheProxy()
    {
        var aws = ChildProcess.FindOnPath("aws");
        Assert.True(aws is not null, "the aws CLI (pyenv aws-cli v1) must be on PATH for this test");
        await AssertCliListsTablesAsync(aws!);
    }

    [Fact]
    public async Task DebianAwsCliV2_HttpsProxyMode_ListsTablesThroughTheProxy()
    {
        const string aws = "/usr/bin/aws";
        Assert.True(File.Exists(aws), "Debian's aws CLI v2 is missing: install it with 'apt-get install -y awscli' (docs/testing.md §3.1)");
        await AssertCliListsTablesAsync(aws);
    }

    [Fact]
    public async Task Boto3_HttpsProxyMode_ListsTablesAsInTheGuide()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);

        var result = await ChildProcess.RunAsync("python3",
            ["-c", "import boto3; print(boto3.client('dynamodb', region_name='us-east-1').list_tables())"],
            harness.Proxy.GetEnvironment());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("'TableNames': ['my-dynamodb-table']", result.StandardOutput);
        var request = Assert.Single(Upstream.Requests);
        Assert.Equal(DynamoHost, request.Host);
        Assert.Equal(DynamoHost, request.ForwardedHost);
    }

    [Fact]
    public async Task AwsCli_EndpointUrlMode_ListsTablesWithoutForwardedHost()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        var environment = harness.Proxy.GetEnvironment();
        Assert.False(environment.ContainsKey("HTTPS_PROXY"));

        var result = await ChildProcess.RunAsync(ChildProcess.FindOnPath("aws") ?? "aws",
            ["--endpoint-url", harness.Proxy.Endpoint.ToString().TrimEnd('/'), "dynamodb", "list-tables", "--region", "us-east-1"],
            environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("my-dynamodb-table", result.StandardOutput);
        var request = Assert.Single(Upstream.Requests);
        Assert.Null(request.ForwardedHost);
        Assert.Equal($"localhost:{harness.Proxy.Port}", request.Host);
        Assert.Equal("CN=alice, O=access", request.ClientCertificateSubject);
    }

    [Theory]
    [InlineData(AwsLocalProxyMode.HttpsProxy)]
    [InlineData(AwsLocalProxyMode.EndpointUrl)]
    public async Task AwsCli_WrongSecret_Gets403AndNothingIsForwarded(AwsLocalProxyMode mode)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, mode);
        var environment = new Dictionary<string, string>(harness.Proxy.GetEnvironment()) { ["AWS_SECRET_ACCESS_KEY"] = "wrong" };
        List<string> arguments = mode == AwsLocalProxyMode.EndpointUrl
            ? ["--endpoint-url", harness.Proxy.Endpoint.ToString().TrimEnd('/'), "dynamodb", "list-tables", "--region", "us-east-1"]
            : ["dynamodb", "list-tables", "--region", "us-east-1"];

        var result = await ChildProcess.RunAsync(ChildProcess.FindOnPath("aws") ?? "aws", arguments, environment);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("403", result.StandardError);
        Assert.Empty(Upstream.Requests);
        Assert.Contains(harness.Logs.Lines, l => l.EventId == 5030);
    }

    private async Task AssertCliListsTablesAsync(string aws)
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        var environment = harness.Proxy.GetEnvironment();
        Assert.Equal($"http://127.0.0.1:{harness.Proxy.Port}", environment["HTTPS_PROXY"]);
        Assert.Equal(environment["HTTPS_PROXY"], environment["https_proxy"]);

        var result = await ChildProcess.RunAsync(aws, ["dynamodb", "list-tables", "--region", "us-east-1", "--output", "json"], environment);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("my-dynamodb-table", result.StandardOutput);
        var request = Assert.Single(Upstream.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/", request.RawTarget);
        Assert.Equal(DynamoHost, request.Host);
        Assert.Equal(DynamoHost, request.ForwardedHost);
        Assert.Equal("CN=alice, O=access", request.ClientCertificateSubject);
        Assert.Equal("localhost", request.ServerName);
        Assert.Equal("DynamoDB_20120810.ListTables", request.Header("X-Amz-Target"));
        Assert.StartsWith($"AWS4-HMAC-SHA256 Credential={harness.Credentials.AccessKeyId}/", request.Header("Authorization"));

        // Nothing secret reached the log.
        Assert.DoesNotContain(harness.Logs.Lines, l => l.Message.Contains(harness.Credentials.SecretAccessKey, StringComparison.Ordinal));
    }
}
