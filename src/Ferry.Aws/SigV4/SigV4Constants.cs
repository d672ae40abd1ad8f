namespace Ferry.Aws.SigV4;

/// <summary>
/// Literals of AWS Signature Version 4.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
/// </summary>
public static class SigV4Constants
{
    public const string Algorithm = "AWS4-HMAC-SHA256";
    public const string Terminator = "aws4_request";

    /// <summary>The X-Amz-Date format, e.g. 20150830T123600Z (ISO 8601 basic, UTC).</summary>
    public const string AmzDateFormat = "yyyyMMdd'T'HHmmss'Z'";

    public const string AuthorizationHeader = "Authorization";
    public const string AmzDateHeader = "X-Amz-Date";
    public const string AmzSecurityTokenHeader = "X-Amz-Security-Token";
    public const string AmzContentSha256Header = "X-Amz-Content-Sha256";
    public const string HostHeader = "Host";

    /// <summary>Payload hash literal for S3 unsigned payloads (X-Amz-Content-Sha256).</summary>
    public const string UnsignedPayload = "UNSIGNED-PAYLOAD";

    /// <summary>Payload hash literal for unsigned streaming uploads with trailing checksums.</summary>
    public const string StreamingUnsignedPayloadTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER";

    /// <summary>SHA-256 of the empty string, the payload hash of a request without a body.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>True for the payload hash literals that are used verbatim instead of hashing the body (docs/aws-access.md §1.4 step 3.3).</summary>
    public static bool IsUnsignedPayloadLiteral(string? value) =>
        string.Equals(value, UnsignedPayload, StringComparison.Ordinal)
        || string.Equals(value, StreamingUnsignedPayloadTrailer, StringComparison.Ordinal);
}
