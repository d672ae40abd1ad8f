using Amazon;
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Ferry.Aws.Endpoints;
using Ferry.Aws.Http;
using Ferry.Aws.Sts;
using Ferry.Aws.Tests.Infrastructure;
using Ferry.Aws.Tests.Sts;

namespace Ferry.Aws.Tests.Pipeline;

/// <summary>
/// AWS SDK clients addressing real AWS host names, through verify → resolve → assume role → re-sign → send,
/// against a moto that checks every signature and IAM policy.
/// </summary>
public sealed class AgentPipelineMotoTests(StsMotoFixture fixture) : IClassFixture<StsMotoFixture>
{
    private static readonly AwsCredentials Throwaway = new("AKIDTHROWAWAY00000000", "throwaway-secret");

    private (FerryPipelineHandler Handler, IDisposable Lifetime) Pipeline(string user)
    {
        // The agent's environment: every upstream (DynamoDB, STS) overridden to moto, as in docs/aws-access.md §12.2.
        var env = new Dictionary<string, string>
        {
            ["AWS_REGION"] = "us-east-1",
            ["AWS_ENDPOINT_URL"] = fixture.Moto.Endpoint.ToString(),
        };
        var sts = new StsCredentialCache(new StsCredentialCacheOptions { Environment = env.GetValueOrDefault, BaseCredentials = fixture.Agent });
        var upstream = AwsHttpClientFactory.CreateClient(AwsHttpClientOptions.FromEnvironment(env));
        var handler = new FerryPipelineHandler(Throwaway, new AwsEndpointResolver(env), sts, fixture.RoleArn, user, upstream);
        return (handler, new Disposables(sts, upstream, handler));
    }

    [Fact]
    public async Task DynamoDbClient_ThroughPipeline_WorksAsAssumedRole()
    {
        var (handler, lifetime) = Pipeline("alice@example.com");
        using var _ = lifetime;
        var config = new AmazonDynamoDBConfig { RegionEndpoint = RegionEndpoint.CACentral1, HttpClientFactory = new HandlerHttpClientFactory(handler), MaxErrorRetry = 0 };
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials(Throwaway.AccessKeyId, Throwaway.SecretAccessKey), config);

        await client.CreateTableAsync(new CreateTableRequest
        {
            TableName = "items",
            AttributeDefinitions = [new("pk", ScalarAttributeType.S)],
            KeySchema = [new("pk", KeyType.HASH)],
            BillingMode = BillingMode.PAY_PER_REQUEST,
        });
        await client.PutItemAsync("items", new Dictionary<string, AttributeValue> { ["pk"] = new() { S = "ключ ✓" }, ["v"] = new() { N = "42" } });
        var scan = await client.ScanAsync(new ScanRequest { TableName = "items" });

        Assert.Equal("ключ ✓", Assert.Single(scan.Items)["pk"].S);
        Assert.Equal(["DynamoDB_20120810.CreateTable", "DynamoDB_20120810.PutItem", "DynamoDB_20120810.Scan"], handler.Audit.Select(a => a.Target));
        Assert.All(handler.Audit, a => Assert.Equal(["items"], a.TableNames));
        Assert.All(handler.UpstreamUris, u => Assert.Equal(fixture.Moto.Endpoint.Authority, u.Authority));
    }

    [Fact]
    public async Task StsClient_ThroughPipeline_SeesAssumedRoleIdentity()
    {
        var (handler, lifetime) = Pipeline("bob");
        using var _ = lifetime;
        var config = new AmazonSecurityTokenServiceConfig { RegionEndpoint = RegionEndpoint.USEast1, HttpClientFactory = new HandlerHttpClientFactory(handler), MaxErrorRetry = 0 };
        using var client = new AmazonSecurityTokenServiceClient(new BasicAWSCredentials(Throwaway.AccessKeyId, Throwaway.SecretAccessKey), config);

        var identity = await client.GetCallerIdentityAsync(new GetCallerIdentityRequest());

        Assert.Equal($"arn:aws:sts::{MotoServer.AccountId}:assumed-role/{StsMotoFixture.RoleName}/bob", identity.Arn);
    }

    [Fact]
    public async Task DynamoDbClient_WrongThrowawaySecret_RejectedLocally()
    {
        var (handler, lifetime) = Pipeline("carol");
        using var _ = lifetime;
        var config = new AmazonDynamoDBConfig { RegionEndpoint = RegionEndpoint.USEast1, HttpClientFactory = new HandlerHttpClientFactory(handler), MaxErrorRetry = 0 };
        using var client = new AmazonDynamoDBClient(new BasicAWSCredentials(Throwaway.AccessKeyId, "not-the-throwaway-secret"), config);

        var e = await Assert.ThrowsAsync<AmazonDynamoDBException>(() => client.ListTablesAsync());

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Empty(handler.UpstreamUris);
    }

    private sealed class Disposables(params IDisposable[] items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
