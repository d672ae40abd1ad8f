using System.Text.Json.Nodes;
using Ferry.Aws.SigV4;
using Ferry.Aws.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Aws.Tests.SigV4;

/// <summary>
/// Presigned (query-string signed) requests, made by botocore, verified by Ferry: the canonical query without
/// X-Amz-Signature, UNSIGNED-PAYLOAD for S3, X-Amz-Expires honoured.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
/// </summary>
public sealed class SigV4PresignedVerifierTests
{
    private const int Expires = 300;
    private static readonly AwsCredentials Creds = SampleRequests.Throwaway;
    private static readonly DateTimeOffset SignedAt = SampleRequests.SignedAt;

    private static SigV4Verifier At(DateTimeOffset now) => new(new FakeTimeProvider(now));

    private static SigV4VerificationResult Verify(string url, DateTimeOffset now, AwsCredentials? creds = null, string method = "GET", byte[]? body = null) =>
        At(now).Verify(SigV4Request.FromUri(method, url, []), body is null ? SigV4Payload.Empty : SigV4Payload.FromBody(body), creds ?? Creds);

    /// <summary>boto3's generate_presigned_url for three services and an endpoint URL, and SigV4QueryAuth over a query with parameters.</summary>
    private static async Task<IReadOnlyList<(string Name, string Url)>> BotocoreUrlsAsync()
    {
        return
        [
            ("s3 get_object", await Botocore.PresignAsync(Creds, "us-west-2", "s3", SignedAt, Expires, operation: "get_object",
                parameters: new JsonObject { ["Bucket"] = "my-bucket", ["Key"] = "dir/a b+c~é.txt" })),
            ("s3 get_object at an endpoint URL", await Botocore.PresignAsync(Creds, "us-east-1", "s3", SignedAt, Expires, url: "https://localhost:4443",
                operation: "get_object", parameters: new JsonObject { ["Bucket"] = "my-bucket", ["Key"] = "k" })),
            ("s3 list_objects_v2", await Botocore.PresignAsync(Creds, "us-east-1", "s3", SignedAt, Expires, operation: "list_objects_v2",
                parameters: new JsonObject { ["Bucket"] = "my-bucket", ["Prefix"] = "a b/", ["Delimiter"] = "/" })),
            ("sts get_caller_identity", await Botocore.PresignAsync(Creds, "us-east-1", "sts", SignedAt, Expires, operation: "get_caller_identity", httpMethod: "GET")),
            ("execute-api with a query", await Botocore.PresignAsync(Creds, "eu-west-1", "execute-api", SignedAt, Expires,
                url: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items/a%20b?b=2&a=1&a=0&sp=x%20y")),
        ];
    }

    [Fact]
    public async Task Verify_BotocorePresignedUrls_Valid()
    {
        foreach (var (name, url) in await BotocoreUrlsAsync())
        {
            Assert.Contains("X-Amz-Signature=", url, StringComparison.Ordinal);

            var result = Verify(url, SignedAt.AddMinutes(1));

            Assert.True(result.Status == SigV4VerificationStatus.Valid, $"{name}: {result}\n{url}");
            Assert.Equal(SigV4SignatureLocation.Query, result.Signature!.Location);
            Assert.Equal(TimeSpan.FromSeconds(Expires), result.Signature.Expires);
            Assert.Equal(["host"], result.Signature.SignedHeaders);
        }
    }

    [Fact]
    public async Task Verify_StsPresignedWithoutHttpMethod_IsAPostUrl()
    {
        // boto3 signs the operation's method: STS's is POST, so the URL verifies as an empty POST and not as a GET.
        var url = await Botocore.PresignAsync(Creds, "us-east-1", "sts", SignedAt, Expires, operation: "get_caller_identity");

        Assert.Equal(SigV4VerificationStatus.Valid, Verify(url, SignedAt, method: "POST").Status);
        Assert.Equal(SigV4VerificationStatus.SignatureMismatch, Verify(url, SignedAt).Status);
    }

    [Fact]
    public async Task Verify_S3PresignedPut_IgnoresTheBody()
    {
        // UNSIGNED-PAYLOAD: a presigned PUT may carry any body (S3 document, "UNSIGNED-PAYLOAD").
        var url = await Botocore.PresignAsync(Creds, "us-west-2", "s3", SignedAt, Expires, operation: "put_object",
            parameters: new JsonObject { ["Bucket"] = "my-bucket", ["Key"] = "upload.bin" });

        var result = Verify(url, SignedAt, method: "PUT", body: "any body at all"u8.ToArray());

        Assert.True(result.Status == SigV4VerificationStatus.Valid, result.ToString());
    }

    public static TheoryData<string, Func<string, string>, SigV4VerificationStatus> Tampering => new()
    {
        { "path", u => u.Replace("/?", "/x?", StringComparison.Ordinal), SigV4VerificationStatus.SignatureMismatch },
        { "query parameter added", u => u + "&Action=ListUsers", SigV4VerificationStatus.SignatureMismatch },
        { "query parameter changed", u => u.Replace("Action=GetCallerIdentity", "Action=GetSessionToken", StringComparison.Ordinal), SigV4VerificationStatus.SignatureMismatch },
        { "signature", u => u[..^4] + (u[^4..] == "0000" ? "1111" : "0000"), SigV4VerificationStatus.SignatureMismatch },
        { "signature not hex-sized", u => u[..^1], SigV4VerificationStatus.SignatureMismatch },
        { "expiry lengthened", u => u.Replace("X-Amz-Expires=300", "X-Amz-Expires=3600", StringComparison.Ordinal), SigV4VerificationStatus.SignatureMismatch },
        { "date moved, same day", u => u.Replace("X-Amz-Date=20261124T123600Z", "X-Amz-Date=20261124T123700Z", StringComparison.Ordinal), SigV4VerificationStatus.SignatureMismatch },
        { "date off the scope", u => u.Replace("X-Amz-Date=20261124T", "X-Amz-Date=20261125T", StringComparison.Ordinal), SigV4VerificationStatus.InvalidDate },
        { "date malformed", u => u.Replace("X-Amz-Date=20261124T123600Z", "X-Amz-Date=2026-11-24", StringComparison.Ordinal), SigV4VerificationStatus.InvalidDate },
        { "other access key", u => u.Replace(Creds.AccessKeyId, "AKIDOTHER", StringComparison.Ordinal), SigV4VerificationStatus.AccessKeyMismatch },
        { "algorithm", u => u.Replace("X-Amz-Algorithm=AWS4-HMAC-SHA256", "X-Amz-Algorithm=AWS4-HMAC-SHA1", StringComparison.Ordinal), SigV4VerificationStatus.MalformedPresignedQuery },
        { "credential scope cut", u => u.Replace("%2Faws4_request", "", StringComparison.Ordinal), SigV4VerificationStatus.MalformedPresignedQuery },
        { "signature twice", u => u + "&X-Amz-Signature=" + new string('0', 64), SigV4VerificationStatus.MalformedPresignedQuery },
        { "signature twice, other spelling", u => u + "&x-amz-signature=" + new string('0', 64), SigV4VerificationStatus.MalformedPresignedQuery },
        { "expires zero", u => u.Replace("X-Amz-Expires=300", "X-Amz-Expires=0", StringComparison.Ordinal), SigV4VerificationStatus.InvalidExpires },
        { "expires over 7 days", u => u.Replace("X-Amz-Expires=300", "X-Amz-Expires=604801", StringComparison.Ordinal), SigV4VerificationStatus.InvalidExpires },
        { "expires negative", u => u.Replace("X-Amz-Expires=300", "X-Amz-Expires=-300", StringComparison.Ordinal), SigV4VerificationStatus.InvalidExpires },
        { "expires not a number", u => u.Replace("X-Amz-Expires=300", "X-Amz-Expires=3e2", StringComparison.Ordinal), SigV4VerificationStatus.InvalidExpires },
        { "unsigned fragment", u => u + "#ignored", SigV4VerificationStatus.Valid },
    };

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task Verify_TamperedPresignedUrl_Refused(string what, Func<string, string> tamper, SigV4VerificationStatus expected)
    {
        var url = tamper(await Botocore.PresignAsync(Creds, "us-east-1", "sts", SignedAt, Expires, operation: "get_caller_identity", httpMethod: "GET"));

        var result = Verify(url, SignedAt.AddMinutes(1));

        Assert.True(expected == result.Status, $"{what}: {result}\n{url}");
    }

    [Theory]
    [InlineData("X-Amz-Algorithm")]
    [InlineData("X-Amz-Credential")]
    [InlineData("X-Amz-Date")]
    [InlineData("X-Amz-Expires")]
    [InlineData("X-Amz-SignedHeaders")]
    [InlineData("X-Amz-Signature")]
    public async Task Verify_PresignedUrlMissingAParameter_MalformedPresignedQuery(string parameter)
    {
        var url = await Botocore.PresignAsync(Creds, "us-east-1", "sts", SignedAt, Expires, operation: "get_caller_identity", httpMethod: "GET");
        var query = url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..];
        var without = url[..(url.IndexOf('?', StringComparison.Ordinal) + 1)]
            + string.Join('&', query.Split('&').Where(p => !p.StartsWith(parameter + "=", StringComparison.Ordinal)));

        var result = Verify(without, SignedAt.AddMinutes(1));

        Assert.Equal(SigV4VerificationStatus.MalformedPresignedQuery, result.Status);
        Assert.Contains(parameter, result.Reason, StringComparison.Ordinal);
    }

    public static TheoryData<int, SigV4VerificationStatus> ClockOffsets => new()
    {
        // Seconds the verifier's clock is past X-Amz-Date, for a URL presigned for 300 s.
        { Expires + 1, SigV4VerificationStatus.Expired },
        { 3600, SigV4VerificationStatus.Expired },
        { Expires, SigV4VerificationStatus.Valid },
        { 0, SigV4VerificationStatus.Valid },
        { -14 * 60, SigV4VerificationStatus.Valid },
        { -16 * 60, SigV4VerificationStatus.DateInFuture },
    };

    [Theory]
    [MemberData(nameof(ClockOffsets))]
    public async Task Verify_PresignedUrl_ValidFromItsDateUntilItExpires(int clockPastSigningSeconds, SigV4VerificationStatus expected)
    {
        var url = await Botocore.PresignAsync(Creds, "us-east-1", "sts", SignedAt, Expires, operation: "get_caller_identity", httpMethod: "GET");

        var result = Verify(url, SignedAt.AddSeconds(clockPastSigningSeconds));

        Assert.True(expected == result.Status, $"{clockPastSigningSeconds} s: {result}");
    }

    [Fact]
    public async Task Verify_WeekLongPresignedUrl_ValidDaysLater_WhichTheHeaderFormNeverIs()
    {
        // The 15 minutes bound the age of a header signature, not of a presigned URL: X-Amz-Expires does.
        var url = await Botocore.PresignAsync(Creds, "us-west-2", "s3", SignedAt, SigV4RequestSignature.MaxExpiresSeconds, operation: "get_object",
            parameters: new JsonObject { ["Bucket"] = "my-bucket", ["Key"] = "k" });

        Assert.Equal(SigV4VerificationStatus.Valid, Verify(url, SignedAt.AddDays(6)).Status);
        Assert.Equal(SigV4VerificationStatus.Expired, Verify(url, SignedAt.AddDays(7).AddSeconds(1)).Status);
    }

    [Fact]
    public async Task Verify_PresignedUrlSignedForMoreThan7Days_InvalidExpires()
    {
        // botocore does not stop it; AWS refuses it, and so does Ferry, whatever the signature.
        var url = await Botocore.PresignAsync(Creds, "us-east-1", "sts", SignedAt, SigV4RequestSignature.MaxExpiresSeconds + 1, operation: "get_caller_identity", httpMethod: "GET");

        Assert.Equal(SigV4VerificationStatus.InvalidExpires, Verify(url, SignedAt).Status);
    }

    [Fact]
    public async Task Verify_PresignedUrlWithWrongSecret_SignatureMismatch()
    {
        var url = await Botocore.PresignAsync(Creds, "us-east-1", "sts", SignedAt, Expires, operation: "get_caller_identity", httpMethod: "GET");

        var result = Verify(url, SignedAt, new AwsCredentials(Creds.AccessKeyId, "not-the-secret"));

        Assert.Equal(SigV4VerificationStatus.SignatureMismatch, result.Status);
        Assert.DoesNotContain(result.Signature!.Signature, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_PresignedUrlWithAnAuthorizationHeaderToo_ConflictingSignatures()
    {
        var url = await Botocore.PresignAsync(Creds, "us-east-1", "sts", SignedAt, Expires, operation: "get_caller_identity", httpMethod: "GET");
        var (region, service, request) = SampleRequests.All["sts-form"];
        var headerSigned = await DotNetSigner.SignAsync(request, Creds, region, service, SignedAt);

        var result = At(SignedAt).Verify(SigV4Request.FromUri("GET", url, headerSigned.Headers), SigV4Payload.Empty, Creds);

        Assert.Equal(SigV4VerificationStatus.ConflictingSignatures, result.Status);
    }

    [Fact]
    public void WithoutSigningParameters_DropsEverySpellingOfThem_KeepsTheRestAsSent()
    {
        const string query = "Action=GetCallerIdentity&X-Amz-Algorithm=AWS4-HMAC-SHA256&x-amz-credential=a%2Fb&X-Amz-Date=1"
            + "&X%2DAmz%2DExpires=300&X-Amz-SignedHeaders=host&X-Amz-Security-Token=t%2B&X-Amz-Signature=s&prefix=a%20b&&flag&X-Amz-Meta=kept";

        Assert.Equal("Action=GetCallerIdentity&prefix=a%20b&&flag&X-Amz-Meta=kept", SigV4QueryParameters.WithoutSigningParameters(query));
        Assert.Equal("a=1&b=2", SigV4QueryParameters.WithoutSigningParameters("a=1&b=2"));
        Assert.Equal(string.Empty, SigV4QueryParameters.WithoutSigningParameters(string.Empty));
    }

    [Fact]
    public async Task TryParse_HeaderAndQuerySignatures_ShareOneShape()
    {
        var url = await Botocore.PresignAsync(Creds, "us-east-1", "sts", SignedAt, Expires, operation: "get_caller_identity", httpMethod: "GET");
        var (region, service, request) = SampleRequests.All["sts-form"];
        var headerSigned = await DotNetSigner.SignAsync(request, Creds, region, service, SignedAt);

        Assert.True(SigV4RequestSignature.TryParse(SigV4Request.FromUri("GET", url, []), out var query, out _));
        Assert.True(SigV4RequestSignature.TryParse(headerSigned.ToSigV4(), out var header, out _));

        Assert.Equal((SigV4SignatureLocation.Query, SigV4SignatureLocation.Header), (query.Location, header.Location));
        Assert.Equal(header.AccessKeyId, query.AccessKeyId);
        Assert.Equal(header.CredentialScope, query.CredentialScope);
        Assert.Equal(("us-east-1", "sts"), (query.Region, query.Service));
        Assert.Equal(SignedAt, query.SignedAt);
        Assert.Equal(header.SignedAt, query.SignedAt);
        Assert.Null(header.Expires);
        Assert.Equal(64, query.Signature.Length);
        Assert.DoesNotContain(query.Signature, query.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_NoSignatureAnywhere_MissingAuthorization()
    {
        Assert.False(SigV4RequestSignature.TryParse(SigV4Request.FromUri("GET", "https://console.example/?X-Amz-Date=20261124T123600Z", []), out _, out var failure));

        Assert.Equal(SigV4VerificationStatus.MissingAuthorization, failure.Status);
    }
}
