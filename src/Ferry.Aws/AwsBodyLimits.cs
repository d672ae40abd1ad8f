using Ferry.Aws.SigV4;

namespace Ferry.Aws;

/// <summary>
/// How large an AWS request body may be at each hop (local proxy, proxy, agent), by how it is signed: a body whose
/// SHA-256 is signed must be read whole to check it, so it keeps the reference system's 70 MB cap; an unsigned or
/// chunk-signed body streams through every hop and may be as large as S3's largest single PUT (5 GiB).
/// </summary>
public static class AwsBodyLimits
{
    public const long MaxBufferedBytes = 70L * 1024 * 1024;

    public const long MaxStreamedBytes = 5L * 1024 * 1024 * 1024;

    /// <summary>True when the body may stream: its X-Amz-Content-Sha256 is a payload literal, not a hash.</summary>
    public static bool Streams(string? contentSha256) => SigV4Constants.IsPayloadLiteral(contentSha256);

    public static long MaxBytes(string? contentSha256) => Streams(contentSha256) ? MaxStreamedBytes : MaxBufferedBytes;

    /// <summary>"70 MB", "5 GiB": the cap in words for an error message.</summary>
    public static string Describe(long limit) => limit >= 1L << 30 ? $"{limit >> 30} GiB" : $"{limit >> 20} MB";
}
