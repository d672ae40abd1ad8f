using Ferry.Aws.SigV4;

namespace Ferry.Aws.Tests.SigV4;

public sealed class SigV4AuthorizationTests
{
    private const string Sig = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7";

    [Fact]
    public void TryParse_WellFormed_ReturnsParts()
    {
        var ok = SigV4Authorization.TryParse(
            $"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/dynamodb/aws4_request, SignedHeaders=Content-Type;host;x-amz-date, Signature={Sig}",
            out var auth);

        Assert.True(ok);
        Assert.Equal("AKIDEXAMPLE", auth!.AccessKeyId);
        Assert.Equal("20150830", auth.Date);
        Assert.Equal("us-east-1", auth.Region);
        Assert.Equal("dynamodb", auth.Service);
        Assert.Equal(["content-type", "host", "x-amz-date"], auth.SignedHeaders);
        Assert.Equal("Content-Type;host;x-amz-date", auth.SignedHeadersText);
        Assert.Equal(Sig, auth.Signature);
        Assert.Equal("20150830/us-east-1/dynamodb/aws4_request", auth.CredentialScope);
    }

    [Theory]
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s3/aws4_request,SignedHeaders=host,Signature=" + Sig)] // no spaces
    [InlineData("AWS4-HMAC-SHA256 Signature=" + Sig + ", Credential=K/20150830/us-east-1/s3/aws4_request, SignedHeaders=host")] // any order
    public void TryParse_AcceptedVariants_Succeeds(string header)
    {
        Assert.True(SigV4Authorization.TryParse(header, out var auth));
        Assert.Equal("K", auth!.AccessKeyId);
        Assert.Equal("s3", auth.Service);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("AWS4-HMAC-SHA256")]
    [InlineData("AWS4-HMAC-SHA256 ")]
    [InlineData("Bearer abc")]
    [InlineData("AWS4-HMAC-SHA512 Credential=K/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + Sig)]
    [InlineData("aws4-hmac-sha256 Credential=K/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + Sig)]
    [InlineData("AWS AKID:signature")] // SigV2
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s3/aws4_request, SignedHeaders=host")] // 2 components
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + Sig + ", Extra=1")]
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s3/aws4_request, Credential=K/20150830/us-east-1/s3/aws4_request, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s3/aws4_request, Headers=host, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/aws4_request, SignedHeaders=host, Signature=" + Sig)] // 4 parts
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s3/x/aws4_request, SignedHeaders=host, Signature=" + Sig)] // 6 parts
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s3/aws5_request, SignedHeaders=host, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + Sig)] // empty key
    [InlineData("AWS4-HMAC-SHA256 Credential=K//us-east-1/s3/aws4_request, SignedHeaders=host, Signature=" + Sig)]
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=")] // empty signature
    [InlineData("AWS4-HMAC-SHA256 Credential=K/20150830/us-east-1/s3/aws4_request, SignedHeaders=host;;x-amz-date, Signature=" + Sig)]
    public void TryParse_Malformed_Fails(string? header)
    {
        Assert.False(SigV4Authorization.TryParse(header, out var auth));
        Assert.Null(auth);
    }
}
