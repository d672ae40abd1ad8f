using System.Net;
using System.Security.Cryptography.X509Certificates;
using Amazon.DynamoDBv2;
using Amazon.Runtime;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// The guide's Step 5 "Using other DynamoDB applications": tsh proxy aws in HTTPS_PROXY mode with boto3 exactly
/// as the guide shows, and in endpoint-URL mode with the aws CLI and the AWS SDK for .NET.
/// </summary>
public sealed class TshProxyAwsTests : IClassFixture<AwsClusterFixture>
{
    private readonly AwsCluster _aws;

    public TshProxyAwsTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task HttpsProxyMode_PrintsTheGuidesSettings_AndBoto3ListsTheTable()
    {
        await _aws.AddLoggedInUserAsync("anna", "access,aws-dynamodb-access");
        var port = FreePort.Next();
        await using var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment("anna"), _aws.Cluster.HomeOf("anna"), "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Contains($"Started AWS proxy on http://127.0.0.1:{port}.", proxy.Output);
        Assert.Contains("Use the following credentials and HTTPS proxy setting to connect to the proxy:", proxy.Output);
        Assert.DoesNotContain("To avoid port randomization", proxy.Output);
        Assert.Equal($"http://127.0.0.1:{port}", proxy.Settings["HTTPS_PROXY"]);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(proxy.Settings["AWS_CA_BUNDLE"]));

        var environment = ClientEnvironment(proxy);
        var python = await Run.CommandAsync("python3", ["-c", "import boto3\nprint(boto3.client('dynamodb').list_tables())"], environment);

        python.EnsureSuccess("boto3 through tsh proxy aws");
        Assert.Contains("'TableNames': ['my-dynamodb-table']", python.Stdout);
    }

    [Fact]
    public async Task WrongSecret_IsRefusedByTheLocalProxy_AndNothingReachesAws()
    {
        await _aws.AddLoggedInUserAsync("bea", "access,aws-dynamodb-access");
        await using var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment("bea"), _aws.Cluster.HomeOf("bea"));
        Assert.Contains("To avoid port randomization, you can choose the listening port using the --port flag.", proxy.Output);
        var before = _aws.Sandbox.RequestCount();

        var environment = ClientEnvironment(proxy);
        environment["AWS_SECRET_ACCESS_KEY"] = "not-the-secret-tsh-printed";
        var result = await Run.CommandAsync("aws", ["dynamodb", "list-tables"], environment);

        Assert.Equal(255, result.ExitCode);
        Assert.Contains("403", result.Stderr);
        Assert.Equal(before, _aws.Sandbox.RequestCount());
    }

    [Fact]
    public async Task EndpointUrlMode_ServesTheAwsCliAndTheDotNetSdk()
    {
        await _aws.AddLoggedInUserAsync("cora", "access,aws-dynamodb-access");
        var port = FreePort.Next();
        await using var proxy = await TshProxyProcess.StartAsync(_aws.Cluster.Environment("cora"), _aws.Cluster.HomeOf("cora"), "--endpoint-url", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"Started AWS proxy which serves as an AWS endpoint URL at https://localhost:{port}.", proxy.Output);
        Assert.Contains("In addition to the endpoint URL, use the following credentials to connect to the proxy:", proxy.Output);
        Assert.False(proxy.Settings.ContainsKey("HTTPS_PROXY"));

        var cli = await Run.CommandAsync("aws", ["dynamodb", "list-tables", "--endpoint-url", $"https://localhost:{port}"], ClientEnvironment(proxy));
        cli.EnsureSuccess("aws --endpoint-url through tsh proxy aws -e");
        Assert.Contains(AwsSandbox.Table, cli.Stdout);

        using var localCa = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(proxy.Settings["AWS_CA_BUNDLE"]));
        AmazonDynamoDBClient Client(string region) => new(
            new BasicAWSCredentials(proxy.Settings["AWS_ACCESS_KEY_ID"], proxy.Settings["AWS_SECRET_ACCESS_KEY"]),
            new AmazonDynamoDBConfig { ServiceURL = $"https://localhost:{port}", AuthenticationRegion = region, HttpClientFactory = new TrustingHttpClientFactory(localCa) });

        // Without X-Forwarded-Host the agent takes the region from the signature: the table lives in us-east-1 only.
        using (var elsewhere = Client("ca-central-1"))
        {
            Assert.DoesNotContain(AwsSandbox.Table, (await elsewhere.ListTablesAsync()).TableNames ?? []);
        }

        using var client = Client("us-east-1");
        var tables = await client.ListTablesAsync();
        Assert.Contains(AwsSandbox.Table, tables.TableNames);
        await client.PutItemAsync(AwsSandbox.Table, new() { ["pk"] = new() { S = "sdk-1" } });
        var item = await client.GetItemAsync(AwsSandbox.Table, new() { ["pk"] = new() { S = "sdk-1" } });
        Assert.Equal("sdk-1", item.Item["pk"].S);
    }

    /// <summary>Exactly what the user's shell would hold after the guide's export lines.</summary>
    private Dictionary<string, string?> ClientEnvironment(TshProxyProcess proxy)
    {
        var environment = _aws.Cluster.Environment("client");
        foreach (var (name, value) in proxy.Settings)
        {
            environment[name] = value;
        }

        return environment;
    }
}
