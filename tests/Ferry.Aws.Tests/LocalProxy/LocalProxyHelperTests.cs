using System.Text;
using Ferry.Aws.LocalProxy;
using Ferry.Aws.Sts;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Aws.Tests.LocalProxy;

public sealed class LocalProxyHelperTests
{
    // The example response of the STS API reference.
    private const string AssumeRoleXml = """
        <AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleResult>
            <SourceIdentity>DevUser123</SourceIdentity>
            <AssumedRoleUser>
              <Arn>arn:aws:sts::123456789012:assumed-role/demo/John</Arn>
              <AssumedRoleId>ARO123EXAMPLE123:John</AssumedRoleId>
            </AssumedRoleUser>
            <Credentials>
              <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>
              <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>
              <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW</SessionToken>
              <Expiration>2019-11-09T13:34:41Z</Expiration>
            </Credentials>
            <PackedPolicySize>6</PackedPolicySize>
          </AssumeRoleResult>
          <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
        </AssumeRoleResponse>
        """;

    [Theory]
    [InlineData("dynamodb.us-east-1.amazonaws.com:443", true)]
    [InlineData("s3.amazonaws.com", true)]
    [InlineData("my-bucket.s3.eu-west-1.amazonaws.com:443", true)]
    [InlineData("dynamodb.cn-north-1.amazonaws.com.cn:443", true)]
    [InlineData("STS.AMAZONAWS.COM:443", true)]
    [InlineData("ssmmessages.us-east-1.amazonaws.com:443", false)]
    [InlineData("github.com:443", false)]
    [InlineData("amazonaws.com:443", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void ShouldIntercept_Host(string? host, bool expected)
    {
        Assert.Equal(expected, AwsHostMatcher.ShouldIntercept(host));
    }

    [Fact]
    public void TryParse_AssumeRoleResponse_CredentialsAndArn()
    {
        Assert.True(AssumeRoleResponseParser.TryParse(Encoding.UTF8.GetBytes(AssumeRoleXml), out var credentials));

        Assert.Equal("ASIAIOSFODNN7EXAMPLE", credentials!.AccessKeyId);
        Assert.Equal("wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY", credentials.SecretAccessKey);
        Assert.StartsWith("AQoDYXdzEPT//", credentials.SessionToken, StringComparison.Ordinal);
        Assert.Equal(new DateTimeOffset(2019, 11, 9, 13, 34, 41, TimeSpan.Zero), credentials.Expiration);
        Assert.Equal("arn:aws:sts::123456789012:assumed-role/demo/John", credentials.AssumedRoleArn);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not xml")]
    [InlineData("<GetCallerIdentityResponse><GetCallerIdentityResult/></GetCallerIdentityResponse>")]
    [InlineData("<AssumeRoleResponse><AssumeRoleResult><AssumedRoleUser><Arn>a</Arn></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>")]
    [InlineData("<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A</AccessKeyId><SecretAccessKey>S</SecretAccessKey><SessionToken>T</SessionToken><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>")]
    [InlineData("<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><AssumeRoleResponse>&e;</AssumeRoleResponse>")]
    public void TryParse_NotAnAssumeRoleResult_False(string xml)
    {
        Assert.False(AssumeRoleResponseParser.TryParse(Encoding.UTF8.GetBytes(xml), out var credentials));
        Assert.Null(credentials);
    }

    [Theory]
    [InlineData("sts", "POST", 200, true)]
    [InlineData("sts", "post", 200, true)]
    [InlineData("sts", "GET", 200, false)]
    [InlineData("sts", "POST", 403, false)]
    [InlineData("s3", "POST", 200, false)]
    public void ShouldInspect_StsPost200Only(string service, string method, int status, bool expected)
    {
        Assert.Equal(expected, AssumeRoleResponseParser.ShouldInspect(service, method, status));
    }

    [Fact]
    public void Store_ExpiredCredentials_Forgotten()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var store = new AssumedRoleCredentialStore(time);
        store.Add(new AwsSessionCredentials("ASIA1", "s", "t", time.GetUtcNow().AddMinutes(10), "arn:aws:sts::1:assumed-role/r/s"));

        Assert.True(store.TryGet("ASIA1", out var found));
        Assert.Equal("arn:aws:sts::1:assumed-role/r/s", found!.AssumedRoleArn);
        Assert.False(store.TryGet("ASIA2", out _));

        time.Advance(TimeSpan.FromMinutes(11));
        Assert.False(store.TryGet("ASIA1", out _));
        Assert.Equal(0, store.Count);
    }
}
