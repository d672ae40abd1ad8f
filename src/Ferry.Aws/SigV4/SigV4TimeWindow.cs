namespace Ferry.Aws.SigV4;

/// <summary>
/// When a signature may be used, against the verifier's clock. A signature proves who signed, not when it is
/// sent; the window is what keeps a captured request (from a log, a shell history, a proxy dump) from being replayed.
/// <list type="bullet">
/// <item><b>Authorization header</b>: X-Amz-Date no more than 15 minutes before or after now. That is the skew AWS
/// services tolerate: S3 refuses a request past it with RequestTimeTooSkewed, whose body reports
/// MaxAllowedSkewMilliseconds 900000 (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html), and SQS
/// documents that a time-stamped request expires 15 minutes after its time stamp
/// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/AboutTimestamp.html). The IAM signing
/// overview speaks of five minutes "in most cases" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_aws-signing.html);
/// Ferry takes the 15 the services enforce, so nothing AWS would accept is refused here.</item>
/// <item><b>Query string (presigned URL)</b>: valid from X-Amz-Date until X-Amz-Expires seconds later, and no
/// later (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html). The 15 minutes do not
/// bound its age, since living longer is the point of a presigned URL; they bound only how far in the future it
/// may be dated, the clock difference a signer on another machine may have. Expiry gets no such grace: the local
/// proxy and a client that presigned on this machine read the same clock, and a URL that AWS would refuse as
/// expired should not be executed with fresh role credentials either.</item>
/// </list>
/// </summary>
internal static class SigV4TimeWindow
{
    public static readonly TimeSpan MaxClockSkew = TimeSpan.FromMinutes(15);

    /// <summary>Null when the signature may be used at <paramref name="now"/>, else the refusal.</summary>
    public static SigV4VerificationResult? Check(SigV4RequestSignature signature, DateTimeOffset now)
    {
        var signedAt = signature.SignedAt;
        if (signedAt > now + MaxClockSkew)
        {
            return new(SigV4VerificationStatus.DateInFuture,
                $"X-Amz-Date {signature.AmzDate} is more than {MaxClockSkew.TotalMinutes:0} minutes ahead of the local clock", signature);
        }

        if (signature.Expires is not { } expires)
        {
            return signedAt < now - MaxClockSkew
                ? new(SigV4VerificationStatus.DateTooOld,
                    $"X-Amz-Date {signature.AmzDate} is more than {MaxClockSkew.TotalMinutes:0} minutes behind the local clock", signature)
                : null;
        }

        return now > signedAt + expires
            ? new(SigV4VerificationStatus.Expired,
                $"the presigned request expired at {(signedAt + expires).UtcDateTime:yyyyMMdd'T'HHmmss'Z'} (X-Amz-Date {signature.AmzDate} plus X-Amz-Expires {expires.TotalSeconds:0} s)", signature)
            : null;
    }
}
