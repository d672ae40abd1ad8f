using Ferry.Aws.Endpoints;

namespace Ferry.Aws.Tests.Endpoints;

public sealed class S3VirtualHostTests
{
    [Theory]
    [InlineData("my-bucket.s3.amazonaws.com", "my-bucket")]
    [InlineData("my-bucket.s3.us-west-2.amazonaws.com", "my-bucket")]
    [InlineData("my-bucket.s3.dualstack.eu-central-1.amazonaws.com", "my-bucket")]
    [InlineData("my-bucket.s3-us-west-2.amazonaws.com", "my-bucket")]
    [InlineData("my-bucket.s3-external-1.amazonaws.com", "my-bucket")]
    [InlineData("my-bucket.s3-accelerate.amazonaws.com", "my-bucket")]
    [InlineData("my-bucket.s3-accelerate.dualstack.amazonaws.com", "my-bucket")]
    [InlineData("my-bucket.s3-fips.us-gov-west-1.amazonaws.com", "my-bucket")]
    [InlineData("my-bucket.s3-fips.dualstack.us-east-1.amazonaws.com", "my-bucket")]
    [InlineData("logs.example.com.s3.us-east-1.amazonaws.com", "logs.example.com")]
    [InlineData("s3.backup.s3.amazonaws.com", "s3.backup")]
    [InlineData("my-bucket.s3.cn-north-1.amazonaws.com.cn", "my-bucket")]
    [InlineData("My-Bucket.S3.amazonaws.com:443", "my-bucket")]
    public void VirtualHostedHosts_NameTheirBucket(string host, string bucket) => Assert.Equal(bucket, S3VirtualHost.Bucket(host));

    [Theory]
    [InlineData("s3.amazonaws.com")]
    [InlineData("s3.us-west-2.amazonaws.com")]
    [InlineData("s3-accelerate.amazonaws.com")]
    [InlineData("dynamodb.us-east-1.amazonaws.com")]
    [InlineData("my-ap-123456789012.s3-accesspoint.us-east-1.amazonaws.com")]
    [InlineData("mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com")]
    [InlineData("my-bucket.s3.amazonaws.com.evil.example")]
    [InlineData("127.0.0.1:4566")]
    [InlineData("ab.s3.amazonaws.com")]
    public void OtherHosts_NameNoBucket(string host) => Assert.Null(S3VirtualHost.Bucket(host));

    [Theory]
    [InlineData("/", "/b")]
    [InlineData("", "/b")]
    [InlineData("/big.bin", "/b/big.bin")]
    [InlineData("/dir/a%20b.txt", "/b/dir/a%20b.txt")]
    public void PathStyle_PutsTheBucketFirst(string rawPath, string expected) => Assert.Equal(expected, S3VirtualHost.PathStyle("b", rawPath));
}
