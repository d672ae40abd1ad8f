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

    /// <summary>Payload hash literal of a chunk-signed upload (aws-chunked body, each chunk signed in a chain from the seed signature).</summary>
    public const string StreamingSignedPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";

    /// <summary>A chunk-signed upload whose last chunk is followed by signed trailing headers (checksums).</summary>
    public const string StreamingSignedPayloadTrailer = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER";

    /// <summary>The SigV4a (ECDSA, multi-region) algorithm and its streaming literals' common prefix; Ferry refuses them by name.</summary>
    public const string SigV4aAlgorithm = "AWS4-ECDSA-P256-SHA256";

    public const string StreamingSigV4aPrefix = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD";

    /// <summary>SHA-256 of the empty string, the payload hash of a request without a body.</summary>
    public const string EmptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /// <summary>True for the payload hash literals that are used verbatim instead of hashing the body (docs/aws-access.md §1.4 step 3.3).</summary>
    public static bool IsUnsignedPayloadLiteral(string? value) =>
        string.Equals(value, UnsignedPayload, StringComparison.Ordinal)
        || string.Equals(value, StreamingUnsignedPayloadTrailer, StringComparison.Ordinal);

    /// <summary>
    /// True for every literal that stands in the canonical request instead of the body's hash: the unsigned ones and
    /// the chunk-signed ones, whose body is verified chunk by chunk instead (<see cref="Streaming.AwsChunkedStream"/>).
    /// </summary>
    public static bool IsPayloadLiteral(string? value) =>
        IsUnsignedPayloadLiteral(value)
        || string.Equals(value, StreamingSignedPayload, StringComparison.Ordinal)
        || string.Equals(value, StreamingSignedPayloadTrailer, StringComparison.Ordinal);
}
