using System.Net;
using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Ferry.LocalProxy.Tests.Infrastructure;

namespace Ferry.LocalProxy.Tests;

/// <summary>The AWS SDK for .NET (AWSSDK.DynamoDBv2) against the local proxy, trusting only the local CA.</summary>
public sealed class DotNetSdkTests(UpstreamFixture fixture) : IClassFixture<UpstreamFixture>
{
    private StandInUpstream Upstream => fixture.Upstream;

    [Fact]
    public async Task DynamoDbClient_EndpointUrlMode_ListsTablesWithoutForwardedHost()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.EndpointUrl);
        using var client = CreateClient(harness, new AmazonDynamoDBConfig
        {
            ServiceURL = harness.Proxy.Endpoint.ToString(),
            AuthenticationRegion = "us-east-1",
        });

        var response = await client.ListTablesAsync(new ListTablesRequest());

        Assert.Equal(["my-dynamodb-table"], response.TableNames);
        var request = Assert.Single(Upstream.Requests);
        Assert.Null(request.ForwardedHost);
        Assert.Equal($"localhost:{harness.Proxy.Port}", request.Host);
    }

    [Fact]
    public async Task DynamoDbClient_HttpsProxyMode_ConnectsWithHttp11AndHost()
    {
        Upstream.Clear();
        await using var harness = await LocalProxyHarness.StartAsync(Upstream.BaseAddress, AwsLocalProxyMode.HttpsProxy);
        using var client = CreateClient(harness, new AmazonDynamoDBConfig { RegionEndpoint = RegionEndpoint.USEast1 });

        var response = await client.ListTablesAsync(new ListTablesRequest());

        Assert.Equal(["my-dynamodb-table"], response.TableNames);
        var request = Assert.Single(Upstream.Requests);
        Assert.Equal("dynamodb.us-east-1.amazonaws.com", request.ForwardedHost);
    }

    private static AmazonDynamoDBClient CreateClient(LocalProxyHarness harness, AmazonDynamoDBConfig config)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = harness.Proxy.Mode == AwsLocalProxyMode.HttpsProxy,
            Proxy = harness.Proxy.Mode == AwsLocalProxyMode.HttpsProxy ? new WebProxy(harness.Proxy.Endpoint) : null,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = harness.TrustLocalCa;
        config.HttpClientFactory = new HandlerHttpClientFactory(handler);
        config.MaxErrorRetry = 0;
        var credentials = new BasicAWSCredentials(harness.Credentials.AccessKeyId, harness.Credentials.SecretAccessKey);
        return new AmazonDynamoDBClient(credentials, config);
    }

    private sealed class HandlerHttpClientFactory(HttpMessageHandler handler) : Amazon.Runtime.HttpClientFactory
    {
        public override HttpClient CreateHttpClient(IClientConfig clientConfig) => new(handler, disposeHandler: false);

        public override bool UseSDKHttpClientCaching(IClientConfig clientConfig) => false;

        public override bool DisposeHttpClientsAfterUse(IClientConfig clientConfig) => false;
    }
}
