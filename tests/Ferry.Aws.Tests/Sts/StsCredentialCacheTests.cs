using Amazon.Runtime;
using Ferry.Aws.Sts;
using Ferry.Core.Errors;

namespace Ferry.Aws.Tests.Sts;

/// <summary>The parts of the cache that need no STS: configuration and credential resolution.</summary>
public sealed class StsCredentialCacheTests
{
    private sealed class NoCredentials : AWSCredentials
    {
        public int Calls { get; private set; }

        public override ImmutableCredentials GetCredentials() => throw Fail();

        public override Task<ImmutableCredentials> GetCredentialsAsync() => Task.FromException<ImmutableCredentials>(Fail());

        private AmazonClientException Fail()
        {
            Calls++;
            return new AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors: ...");
        }
    }

    private static StsCredentialCacheOptions Options(Dictionary<string, string> env, AWSCredentials? credentials = null) => new()
    {
        Environment = env.GetValueOrDefault,
        BaseCredentials = credentials,
        HttpHandler = new SocketsHttpHandler(),
    };

    [Theory]
    [InlineData(null, null, "us-east-1", "https://sts.us-east-1.amazonaws.com/")]
    [InlineData("eu-west-1", null, "eu-west-1", "https://sts.eu-west-1.amazonaws.com/")]
    [InlineData(null, "ap-south-1", "ap-south-1", "https://sts.ap-south-1.amazonaws.com/")]
    [InlineData("cn-north-1", "ap-south-1", "cn-north-1", "https://sts.cn-north-1.amazonaws.com.cn/")]
    public void Constructor_RegionFromEnvironment_RegionalEndpoint(string? awsRegion, string? defaultRegion, string region, string endpoint)
    {
        var env = new Dictionary<string, string>();
        if (awsRegion is not null)
        {
            env["AWS_REGION"] = awsRegion;
        }

        if (defaultRegion is not null)
        {
            env["AWS_DEFAULT_REGION"] = defaultRegion;
        }

        using var cache = new StsCredentialCache(Options(env));

        Assert.Equal(region, cache.Region);
        Assert.Equal(endpoint, cache.Endpoint.BaseUri.ToString());
    }

    [Theory]
    [InlineData("AWS_ENDPOINT_URL_STS")]
    [InlineData("AWS_ENDPOINT_URL")]
    public void Constructor_EndpointOverride_Used(string variable)
    {
        using var cache = new StsCredentialCache(Options(new() { [variable] = "http://127.0.0.1:4566" }));

        Assert.Equal("http://127.0.0.1:4566/", cache.Endpoint.BaseUri.ToString());
    }

    [Fact]
    public async Task GetAsync_NoCredentials_UnavailableNamingTheChain()
    {
        var none = new NoCredentials();
        using var cache = new StsCredentialCache(Options(new() { ["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9" }, none));

        var e = await Assert.ThrowsAsync<FerryException>(() => cache.GetAsync("arn:aws:iam::123456789012:role/R", null, "alice"));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.StartsWith("the app service found no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY", e.Message, StringComparison.Ordinal);
        Assert.Contains("AWS_PROFILE", e.Message, StringComparison.Ordinal);
        Assert.Contains("EC2 instance profile", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAsync_StsUnreachable_UnavailableNamingTheEndpoint()
    {
        using var cache = new StsCredentialCache(Options(
            new() { ["AWS_ENDPOINT_URL_STS"] = "http://127.0.0.1:9" }, new BasicAWSCredentials("AKIDEXAMPLE", "secret")));

        var e = await Assert.ThrowsAsync<FerryException>(() => cache.GetAsync("arn:aws:iam::123456789012:role/R", null, "alice"));

        Assert.Equal(ErrorKind.Unavailable, e.Kind);
        Assert.Contains("cannot reach STS at http://127.0.0.1:9/", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("basic", false)]
    [InlineData("session", true)]
    public async Task IsBaseCredentialTemporary_ByCredentialKind(string kind, bool temporary)
    {
        AWSCredentials credentials = kind == "basic"
            ? new BasicAWSCredentials("AKIDEXAMPLE", "secret")
            : new SessionAWSCredentials("ASIAEXAMPLE", "secret", "token");
        using var cache = new StsCredentialCache(Options(new(), credentials));

        Assert.Equal(temporary, await cache.IsBaseCredentialTemporaryAsync());
    }
}
