using System.Text.RegularExpressions;

namespace Ferry.Aws.Endpoints;

/// <summary>
/// Reads the bucket out of a virtual-hosted S3 host name (<c>BUCKET.s3[.dualstack][.REGION].amazonaws.com</c>, the
/// legacy <c>BUCKET.s3-REGION</c> and <c>BUCKET.s3-external-1</c>, <c>BUCKET.s3-accelerate[.dualstack]</c>,
/// <c>BUCKET.s3-fips[.dualstack].REGION</c>, and the same under <c>.amazonaws.com.cn</c>). Clients address buckets this
/// way by default; an overridden endpoint (the sandbox, MinIO, LocalStack, an IP) serves them by path instead, so the
/// agent moves the bucket into the path when it sends to one (docs/aws-services.md).
/// Access points, Object Lambda and multi-region access points are not buckets: they give null.
/// </summary>
public static partial class S3VirtualHost
{
    /// <summary>The bucket of a virtual-hosted S3 host[:port], or null when the host addresses no bucket.</summary>
    public static string? Bucket(string hostAndPort)
    {
        var host = hostAndPort;
        var colon = host.LastIndexOf(':');
        if (colon >= 0)
        {
            host = host[..colon];
        }

        host = host.ToLowerInvariant();
        var suffix = host.EndsWith(".amazonaws.com.cn", StringComparison.Ordinal) ? ".amazonaws.com.cn"
            : host.EndsWith(".amazonaws.com", StringComparison.Ordinal) ? ".amazonaws.com" : null;
        if (suffix is null)
        {
            return null;
        }

        var labels = host[..^suffix.Length].Split('.');
        // The endpoint is the last one to three labels; the longest reading that is an S3 endpoint wins, and what is
        // left (dots allowed) is the bucket.
        for (var endpointLabels = Math.Min(3, labels.Length - 1); endpointLabels >= 1; endpointLabels--)
        {
            var endpoint = string.Join('.', labels[^endpointLabels..]);
            if (Endpoint().IsMatch(endpoint))
            {
                var bucket = string.Join('.', labels[..^endpointLabels]);
                return BucketName().IsMatch(bucket) ? bucket : null;
            }
        }

        return null;
    }

    /// <summary>The path-style form of a request's raw path for <paramref name="bucket"/>: <c>/</c> → <c>/bucket</c>, <c>/key</c> → <c>/bucket/key</c>.</summary>
    public static string PathStyle(string bucket, string rawPath) =>
        string.IsNullOrEmpty(rawPath) || rawPath == "/" ? "/" + bucket : "/" + bucket + (rawPath[0] == '/' ? rawPath : "/" + rawPath);

    // s3 | s3.REGION | s3.dualstack.REGION | s3-REGION (legacy) | s3-external-1 | s3-accelerate[.dualstack] | s3-fips[.dualstack].REGION
    [GeneratedRegex(@"^(s3(\.dualstack)?(\.[a-z]{2}(-[a-z]+)+-\d+)?|s3-([a-z]{2}(-[a-z]+)+-\d+|external-1)|s3-accelerate(\.dualstack)?|s3-fips(\.dualstack)?\.[a-z]{2}(-[a-z]+)+-\d+)$")]
    private static partial Regex Endpoint();

    // S3's rules: 3–63 characters of lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit.
    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")]
    private static partial Regex BucketName();
}
