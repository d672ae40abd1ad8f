using Ferry.Aws.SigV2;

namespace Ferry.Aws.Tests.SigV2;

/// <summary>
/// SigV2 presigned S3 URLs (boto3's default presign). Expected signatures were computed independently (Python's
/// hmac over the string to sign written out by hand); boto3's own URLs are covered by the integration tests.
/// </summary>
public sealed class SigV2PresignedUrlTests
{
    private static readonly AwsCredentials Keys = new("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeSeconds(1141889000);
    private const string Puppy = "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&Signature=fScKGHCDI0NY5E7CYp9Vc8VKMbY%3D";

    [Theory]
    [InlineData("johnsmith.s3.amazonaws.com", "/photos/puppy.jpg")]
    [InlineData("s3.amazonaws.com", "/johnsmith/photos/puppy.jpg")]
    [InlineData("localhost:4443", "/johnsmith/photos/puppy.jpg")]
    public void AValidUrl_Verifies_VirtualHostedOrByPath(string host, string path)
    {
        Assert.True(Verify("GET", host, path, Puppy, [], Now, out var query, out var failure), failure);
        Assert.Equal("", query);
    }

    [Fact]
    public void SubResources_AreSigned_OtherParameters_StayInTheOperation()
    {
        var query = "response-content-type=text%2Fplain&versionId=3&x-id=GetObject&AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&Signature=HR2e7GQ6187%2Fcrxwx0UrIH0GMpo%3D";
        Assert.True(Verify("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", query, [], Now, out var operation, out var failure), failure);
        Assert.Equal("response-content-type=text%2Fplain&versionId=3&x-id=GetObject", operation);

        Assert.False(Verify("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", query.Replace("versionId=3", "versionId=4", StringComparison.Ordinal), [], Now, out _, out failure));
        Assert.Equal("the SigV2 signature does not match the request", failure);
    }

    [Fact]
    public void ContentTypeAndAmzHeaders_AreSigned()
    {
        var query = "AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&Signature=qoZXaQuKQ8t95jRssikfPu3R1Vw%3D";
        KeyValuePair<string, string>[] headers = [new("Content-Type", "text/plain"), new("X-Amz-Acl", "private")];
        Assert.True(Verify("PUT", "johnsmith.s3.amazonaws.com", "/up.txt", query, headers, Now, out _, out var failure), failure);
        Assert.False(Verify("PUT", "johnsmith.s3.amazonaws.com", "/up.txt", query, [headers[0], new("X-Amz-Acl", "public-read")], Now, out _, out _));
        Assert.False(Verify("PUT", "johnsmith.s3.amazonaws.com", "/up.txt", query, [headers[1]], Now, out _, out _));
    }

    [Theory]
    [InlineData("GET", "johnsmith.s3.amazonaws.com", "/photos/kitten.jpg")]
    [InlineData("DELETE", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg")]
    [InlineData("GET", "other.s3.amazonaws.com", "/photos/puppy.jpg")]
    public void AnotherObjectMethodOrBucket_DoesNotVerify(string method, string host, string path) =>
        Assert.False(Verify(method, host, path, Puppy, [], Now, out _, out _));

    [Fact]
    public void AnotherKeyId_OrSecret_IsRefused()
    {
        Assert.False(SigV2PresignedUrl.TryVerify("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", Puppy, [], new AwsCredentials("AKIDOTHER", Keys.SecretAccessKey), Now, out _, out var failure));
        Assert.Equal("access key id AKIAIOSFODNN7EXAMPLE is not the expected one", failure);
        Assert.False(SigV2PresignedUrl.TryVerify("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", Puppy, [], new AwsCredentials(Keys.AccessKeyId, "other"), Now, out _, out _));
    }

    [Fact]
    public void AnExpiredUrl_OrOneValidForMoreThanAWeek_IsRefused()
    {
        Assert.False(Verify("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", Puppy, [], DateTimeOffset.FromUnixTimeSeconds(1141889120), out _, out var failure));
        Assert.StartsWith("the presigned URL expired at 2006-03-09", failure, StringComparison.Ordinal);
        Assert.False(Verify("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", Puppy, [], Now - TimeSpan.FromDays(8), out _, out failure));
        Assert.Contains("more than 7 days from now", failure, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&Signature=fScKGHCDI0NY5E7CYp9Vc8VKMbY%3D&Signature=x")]
    [InlineData("AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=soon&Signature=fScKGHCDI0NY5E7CYp9Vc8VKMbY%3D")]
    [InlineData("AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=1141889120&Signature=%%%")]
    [InlineData("AWSAccessKeyId=AKIAIOSFODNN7EXAMPLE&Expires=99999999999999999999&Signature=fScKGHCDI0NY5E7CYp9Vc8VKMbY%3D")]
    public void MalformedParameters_AreRefused_WithoutThrowing(string query) =>
        Assert.False(Verify("GET", "johnsmith.s3.amazonaws.com", "/photos/puppy.jpg", query, [], Now, out _, out _));

    [Theory]
    [InlineData("s3.amazonaws.com", "us-east-1")]
    [InlineData("johnsmith.s3.eu-west-1.amazonaws.com", "eu-west-1")]
    [InlineData("johnsmith.s3-us-west-2.amazonaws.com", "us-west-2")]
    [InlineData("localhost:4443", "us-east-1")]
    public void TheRegion_ComesFromTheHost(string host, string region) => Assert.Equal(region, SigV2PresignedUrl.RegionOf(host));

    [Fact]
    public void OnlyAQueryWithAllThreeParameters_ClaimsSigV2()
    {
        Assert.True(SigV2PresignedUrl.IsPresent(Puppy));
        Assert.False(SigV2PresignedUrl.IsPresent("AWSAccessKeyId=AKID&Expires=1"));
        Assert.False(SigV2PresignedUrl.IsPresent(null));
    }

    private static bool Verify(string method, string host, string path, string query, KeyValuePair<string, string>[] headers, DateTimeOffset now, out string operation, out string failure) =>
        SigV2PresignedUrl.TryVerify(method, host, path, query, headers, Keys, now, out operation, out failure);
}
