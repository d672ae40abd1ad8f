using Ferry.Aws.SigV4;
using Ferry.Aws.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Aws.Tests.SigV4;

/// <summary>
/// Full verification in every case: a signed User-Agent is checked like any other header, and X-Amz-Date must be
/// within 15 minutes of the verifier's clock (docs/architecture.md, "Local verification").
/// </summary>
public sealed class SigV4VerifierFreshnessTests
{
    private static readonly AwsCredentials Creds = SampleRequests.Throwaway;

    private static SigV4Verifier At(DateTimeOffset now) => new(new FakeTimeProvider(now));

    /// <summary>A DynamoDB Scan that botocore signed at <see cref="SampleRequests.SignedAt"/> with User-Agent in SignedHeaders.</summary>
    private static async Task<WireRequest> UserAgentSignedAsync()
    {
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        request = request.WithHeader("User-Agent", "aws-sdk-java/1.12.780 Linux/6.1 OpenJDK_64-Bit_Server_VM/17");
        var headers = (await Botocore.SignAsync([request], Creds, region, service, SampleRequests.SignedAt, signUserAgent: true))[0];
        var signed = request with { Headers = headers };
        Assert.Contains("user-agent", signed.Header("Authorization"), StringComparison.Ordinal);
        return signed;
    }

    [Fact]
    public async Task Verify_UserAgentSignedAndValid_Valid()
    {
        var signed = await UserAgentSignedAsync();

        var result = At(SampleRequests.SignedAt).Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), Creds);

        Assert.True(result.Status == SigV4VerificationStatus.Valid, result.ToString());
    }

    public static TheoryData<string, Func<WireRequest, WireRequest>> UserAgentForgeries => new()
    {
        // The reference proxy accepted all of these on the access key id alone.
        { "garbage signature", r => r.WithHeader("Authorization", r.Header("Authorization")![..^64] + new string('0', 64)) },
        { "short garbage signature", r => r.WithHeader("Authorization", r.Header("Authorization")![..^64] + "x") },
        { "user-agent changed after signing", r => r.WithHeader("User-Agent", "rewritten") },
        { "body changed", r => r with { Body = "{\"TableName\":\"other\"}"u8.ToArray() } },
    };

    [Theory]
    [MemberData(nameof(UserAgentForgeries))]
    public async Task Verify_UserAgentSignedButForged_SignatureMismatch(string what, Func<WireRequest, WireRequest> forge)
    {
        var forged = forge(await UserAgentSignedAsync());

        var result = At(SampleRequests.SignedAt).Verify(forged.ToSigV4(), SigV4Payload.FromBody(forged.Body), Creds);

        Assert.True(result.Status == SigV4VerificationStatus.SignatureMismatch, $"{what}: {result}");
        Assert.False(result.IsValid);
    }

    [Fact]
    public async Task Verify_UserAgentSignedWithWrongSecret_SignatureMismatch()
    {
        var signed = await UserAgentSignedAsync();

        var result = At(SampleRequests.SignedAt).Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), new AwsCredentials(Creds.AccessKeyId, "wrong"));

        Assert.Equal(SigV4VerificationStatus.SignatureMismatch, result.Status);
    }

    public static TheoryData<int, SigV4VerificationStatus> ClockOffsets => new()
    {
        // How far the verifier's clock is past X-Amz-Date, in seconds: positive means the request is that old.
        { 16 * 60, SigV4VerificationStatus.DateTooOld },
        { (15 * 60) + 1, SigV4VerificationStatus.DateTooOld },
        { 15 * 60, SigV4VerificationStatus.Valid },
        { 14 * 60, SigV4VerificationStatus.Valid },
        { 0, SigV4VerificationStatus.Valid },
        { -14 * 60, SigV4VerificationStatus.Valid },
        { -15 * 60, SigV4VerificationStatus.Valid },
        { (-15 * 60) - 1, SigV4VerificationStatus.DateInFuture },
        { -16 * 60, SigV4VerificationStatus.DateInFuture },
        { 24 * 3600, SigV4VerificationStatus.DateTooOld },
    };

    [Theory]
    [MemberData(nameof(ClockOffsets))]
    public async Task Verify_HeaderSignedAt_OnlyWithin15MinutesOfTheClock(int clockPastSigningSeconds, SigV4VerificationStatus expected)
    {
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        var signed = await DotNetSigner.SignAsync(request, Creds, region, service, SampleRequests.SignedAt);

        var result = At(SampleRequests.SignedAt.AddSeconds(clockPastSigningSeconds)).Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), Creds);

        Assert.True(expected == result.Status, $"{clockPastSigningSeconds} s: {result}");
    }

    [Fact]
    public async Task Verify_StaleDate_RefusedEvenWithAValidSignature_AndTheReasonNamesNoSecret()
    {
        var (region, service, request) = SampleRequests.All["sts-form"];
        var signed = await DotNetSigner.SignAsync(request, Creds, region, service, SampleRequests.SignedAt);

        var result = At(SampleRequests.SignedAt.AddMinutes(16)).Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), Creds);

        Assert.Equal(SigV4VerificationStatus.DateTooOld, result.Status);
        Assert.Contains("20261124T123600Z", result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Signature!.Signature, result.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Creds.SecretAccessKey, result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_DateOffTheScope_StillInvalidDate()
    {
        // The freshness rule adds to the scope rule, it does not replace it: a fresh X-Amz-Date on another day than the scope.
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        var signed = (await DotNetSigner.SignAsync(request, Creds, region, service, SampleRequests.SignedAt)).WithHeader("X-Amz-Date", "20261125T123600Z");

        var result = At(new DateTimeOffset(2026, 11, 25, 12, 36, 0, TimeSpan.Zero)).Verify(signed.ToSigV4(), SigV4Payload.FromBody(signed.Body), Creds);

        Assert.Equal(SigV4VerificationStatus.InvalidDate, result.Status);
    }

    [Fact]
    public async Task Verify_TwoDateHeaders_InvalidDate()
    {
        var (region, service, request) = SampleRequests.All["dynamodb-scan"];
        var signed = await DotNetSigner.SignAsync(request, Creds, region, service, SampleRequests.SignedAt);
        var twice = signed with { Headers = [.. signed.Headers, new("X-Amz-Date", "20261124T123600Z")] };

        var result = At(SampleRequests.SignedAt).Verify(twice.ToSigV4(), SigV4Payload.FromBody(twice.Body), Creds);

        Assert.Equal(SigV4VerificationStatus.InvalidDate, result.Status);
    }
}
