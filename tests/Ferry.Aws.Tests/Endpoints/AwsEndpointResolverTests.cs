using Ferry.Aws.Endpoints;
using Ferry.Core.Errors;

namespace Ferry.Aws.Tests.Endpoints;

public sealed class AwsEndpointResolverTests
{
    private static readonly AwsEndpointResolver NoOverrides = new(new Dictionary<string, string>());

    [Theory]
    // service, region, expected host (endpoint-URL mode: no X-Forwarded-Host, docs/aws-access.md §12.1)
    [InlineData("dynamodb", "ca-central-1", "dynamodb.ca-central-1.amazonaws.com")]
    [InlineData("dynamodb", "us-east-1", "dynamodb.us-east-1.amazonaws.com")]
    [InlineData("dynamodb", "cn-north-1", "dynamodb.cn-north-1.amazonaws.com.cn")]
    [InlineData("dynamodb", "us-gov-west-1", "dynamodb.us-gov-west-1.amazonaws.com")]
    [InlineData("sts", "us-east-1", "sts.us-east-1.amazonaws.com")]
    [InlineData("sts", "eu-west-3", "sts.eu-west-3.amazonaws.com")]
    [InlineData("sts", "cn-northwest-1", "sts.cn-northwest-1.amazonaws.com.cn")]
    [InlineData("s3", "us-east-1", "s3.us-east-1.amazonaws.com")]
    [InlineData("s3", "ap-southeast-2", "s3.ap-southeast-2.amazonaws.com")]
    [InlineData("iam", "us-west-2", "iam.amazonaws.com")]
    [InlineData("iam", "us-gov-east-1", "iam.us-gov.amazonaws.com")]
    [InlineData("iam", "cn-north-1", "iam.cn-north-1.amazonaws.com.cn")]
    [InlineData("route53", "eu-central-1", "route53.amazonaws.com")]
    [InlineData("cloudfront", "us-east-1", "cloudfront.amazonaws.com")]
    [InlineData("ses", "eu-west-1", "email.eu-west-1.amazonaws.com")]
    [InlineData("ecr", "us-east-2", "api.ecr.us-east-2.amazonaws.com")]
    [InlineData("mobiletargeting", "us-east-1", "pinpoint.us-east-1.amazonaws.com")]
    [InlineData("sagemaker", "us-east-1", "api.sagemaker.us-east-1.amazonaws.com")]
    [InlineData("lambda", "sa-east-1", "lambda.sa-east-1.amazonaws.com")]
    [InlineData("logs", "us-east-1", "logs.us-east-1.amazonaws.com")]
    public void Resolve_NoForwardedHost_UsesCredentialScope(string service, string region, string host)
    {
        var endpoint = NoOverrides.Resolve(null, service, region);

        Assert.Equal($"https://{host}/", endpoint.BaseUri.ToString());
        Assert.Equal(host, endpoint.Authority);
        Assert.Equal(AwsEndpointSource.CredentialScope, endpoint.Source);
    }

    [Fact]
    public void Resolve_ExecuteApiWithoutForwardedHost_BadParameter()
    {
        var e = Assert.Throws<FerryException>(() => NoOverrides.Resolve([], "execute-api", "us-east-1"));

        Assert.Equal(ErrorKind.BadParameter, e.Kind);
        Assert.Contains("API id", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("s3.us-west-2.amazonaws.com")]
    [InlineData("my-bucket.s3.us-west-2.amazonaws.com")]
    [InlineData("123456789012.ddb.us-east-1.amazonaws.com")]
    [InlineData("abc123.execute-api.eu-west-1.amazonaws.com")]
    [InlineData("dynamodb.cn-north-1.amazonaws.com.cn")]
    [InlineData("dynamodb-fips.us-gov-west-1.amazonaws.com")]
    [InlineData("DynamoDB.US-EAST-1.AmazonAWS.com")]
    [InlineData("s3.dualstack.us-east-1.amazonaws.com:443")]
    public void Resolve_ForwardedHost_TargetsThatHost(string forwarded)
    {
        // The signing service does not have to match the host: the client's SDK chose both (docs/aws-access.md §1.7).
        var endpoint = NoOverrides.Resolve([forwarded], "s3", "us-east-1");

        Assert.Equal(AwsEndpointSource.ForwardedHost, endpoint.Source);
        Assert.Equal("https", endpoint.Scheme);
        Assert.Equal(new Uri("https://" + forwarded).Authority, endpoint.Authority);
    }

    [Theory]
    [InlineData("example.com")]
    [InlineData("s3.amazonaws.com.attacker.example")]
    [InlineData("attacker.example/.amazonaws.com")]
    [InlineData("attacker.example?.amazonaws.com")]
    [InlineData("attacker.example#.amazonaws.com")]
    [InlineData("user@s3.amazonaws.com")]
    [InlineData("amazonaws.com")]
    [InlineData("s3.amazonaws.com:notaport")]
    [InlineData("s3.amazonaws.com:70000")]
    [InlineData("")]
    [InlineData("s3.amazonaws.com, dynamodb.us-east-1.amazonaws.com")]
    public void Resolve_InvalidForwardedHost_BadParameter(string forwarded)
    {
        var e = Assert.Throws<FerryException>(() => NoOverrides.Resolve([forwarded], "s3", "us-east-1"));

        Assert.Equal(ErrorKind.BadParameter, e.Kind);
        Assert.Equal("proxied requests must include X-Forwarded-Host header with an AWS service endpoint", e.Message);
    }

    [Fact]
    public void Resolve_TwoForwardedHosts_BadParameter()
    {
        var e = Assert.Throws<FerryException>(() => NoOverrides.Resolve(["s3.amazonaws.com", "s3.amazonaws.com"], "s3", "us-east-1"));

        Assert.Equal(AwsEndpointResolver.ForwardedHostError, e.Message);
    }

    [Theory]
    [InlineData("us-east-1.evil.example#")]
    [InlineData("US-EAST-1")]
    [InlineData("us east 1")]
    [InlineData("")]
    [InlineData("-us")]
    public void Resolve_InvalidScopeRegion_BadParameter(string region)
    {
        var e = Assert.Throws<FerryException>(() => NoOverrides.Resolve(null, "dynamodb", region));

        Assert.Equal(ErrorKind.BadParameter, e.Kind);
    }

    public static TheoryData<Dictionary<string, string>, string[]?, string, string, string, string?> Overrides => new()
    {
        // env, X-Forwarded-Host, service, region, expected base URI, expected variable
        { new() { ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:4566" }, null, "dynamodb", "ca-central-1", "http://127.0.0.1:4566/", "AWS_ENDPOINT_URL_DYNAMODB" },
        { new() { ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:4566" }, ["dynamodb.us-east-1.amazonaws.com"], "dynamodb", "us-east-1", "http://127.0.0.1:4566/", "AWS_ENDPOINT_URL_DYNAMODB" },
        { new() { ["AWS_ENDPOINT_URL"] = "https://localhost:8443/base/" }, null, "sts", "us-east-1", "https://localhost:8443/base/", "AWS_ENDPOINT_URL" },
        { new() { ["AWS_ENDPOINT_URL"] = "http://global:1", ["AWS_ENDPOINT_URL_STS"] = "http://sts-only:2" }, null, "sts", "us-east-1", "http://sts-only:2/", "AWS_ENDPOINT_URL_STS" },
        { new() { ["AWS_ENDPOINT_URL"] = "http://global:1", ["AWS_ENDPOINT_URL_STS"] = "http://sts-only:2" }, null, "dynamodb", "us-east-1", "http://global:1/", "AWS_ENDPOINT_URL" },
        { new() { ["AWS_ENDPOINT_URL_STS"] = "http://sts-only:2" }, null, "dynamodb", "us-east-1", "https://dynamodb.us-east-1.amazonaws.com/", null },
        { new() { ["AWS_ENDPOINT_URL_API_GATEWAY"] = "https://vpce-1.execute-api.us-east-1.vpce.amazonaws.com" }, ["abc.execute-api.us-east-1.amazonaws.com"], "execute-api", "us-east-1", "https://vpce-1.execute-api.us-east-1.vpce.amazonaws.com/", "AWS_ENDPOINT_URL_API_GATEWAY" },
        { new() { ["AWS_ENDPOINT_URL_CLOUDWATCH_LOGS"] = "http://logs:9" }, null, "logs", "us-east-1", "http://logs:9/", "AWS_ENDPOINT_URL_CLOUDWATCH_LOGS" },
        { new() { ["AWS_ENDPOINT_URL_DYNAMODB"] = "https://dynamodb-fips.us-east-1.amazonaws.com:443" }, null, "dynamodb", "us-east-1", "https://dynamodb-fips.us-east-1.amazonaws.com/", "AWS_ENDPOINT_URL_DYNAMODB" },
        { new() { ["AWS_ENDPOINT_URL_DYNAMODB"] = "http://127.0.0.1:4566", ["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"] = "true" }, null, "dynamodb", "us-east-1", "https://dynamodb.us-east-1.amazonaws.com/", null },
        { new() { ["AWS_ENDPOINT_URL_DYNAMODB"] = "" }, null, "dynamodb", "us-east-1", "https://dynamodb.us-east-1.amazonaws.com/", null },
    };

    [Theory]
    [MemberData(nameof(Overrides))]
    public void Resolve_EnvironmentOverride_ServiceSpecificWins(Dictionary<string, string> env, string[]? forwarded, string service, string region, string expected, string? variable)
    {
        var endpoint = new AwsEndpointResolver(env).Resolve(forwarded, service, region);

        Assert.Equal(expected, endpoint.BaseUri.ToString());
        Assert.Equal(variable, endpoint.OverrideVariable);
        var source = variable is not null ? AwsEndpointSource.EnvironmentOverride
            : forwarded is not null ? AwsEndpointSource.ForwardedHost : AwsEndpointSource.CredentialScope;
        Assert.Equal(source, endpoint.Source);
    }

    [Fact]
    public void Resolve_OverrideWithInvalidForwardedHost_StillRejected()
    {
        var resolver = new AwsEndpointResolver(new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = "http://127.0.0.1:1" });

        Assert.Throws<FerryException>(() => resolver.Resolve(["evil.example"], "dynamodb", "us-east-1"));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://host")]
    [InlineData("http://host/?x=1")]
    [InlineData("/relative")]
    public void Resolve_InvalidOverride_BadParameterNamingTheVariable(string value)
    {
        var resolver = new AwsEndpointResolver(new Dictionary<string, string> { ["AWS_ENDPOINT_URL_DYNAMODB"] = value });

        var e = Assert.Throws<FerryException>(() => resolver.Resolve(null, "dynamodb", "us-east-1"));

        Assert.Equal(ErrorKind.BadParameter, e.Kind);
        Assert.StartsWith("AWS_ENDPOINT_URL_DYNAMODB", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:4566", "/", "", "http://127.0.0.1:4566/", "127.0.0.1:4566")]
    [InlineData("http://127.0.0.1:4566/base", "/items/a%20b", "x=1&y=%7E", "http://127.0.0.1:4566/base/items/a%20b?x=1&y=%7E", "127.0.0.1:4566")]
    [InlineData("https://localhost:443/", "/a/../b//c", "", "https://localhost/a/../b//c", "localhost")]
    [InlineData("http://[::1]:8000", "/=bucket=name=/", "list-type=2", "http://[::1]:8000/=bucket=name=/?list-type=2", "[::1]:8000")]
    public void BuildRequestUri_Override_KeepsPathAndQueryVerbatim(string overrideUrl, string path, string query, string expected, string authority)
    {
        var endpoint = new AwsEndpointResolver(new Dictionary<string, string> { ["AWS_ENDPOINT_URL"] = overrideUrl }).Resolve(null, "s3", "us-east-1");

        var uri = endpoint.BuildRequestUri(path, query);

        Assert.Equal(expected, uri.OriginalString);
        Assert.Equal(expected[(expected.IndexOf(authority, StringComparison.Ordinal) + authority.Length)..], uri.PathAndQuery);
        Assert.Equal(authority, endpoint.Authority);
    }

    [Fact]
    public void ResolveSts_Region_Regional()
    {
        Assert.Equal("sts.eu-north-1.amazonaws.com", NoOverrides.ResolveSts("eu-north-1").Authority);
    }
}
