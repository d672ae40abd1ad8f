using System.Net.Security;
using Microsoft.Extensions.Logging;

namespace Ferry.Aws;

/// <summary>Source-generated log messages of Ferry.Aws (event ids 3000–3099). No secret, signature or body ever appears.</summary>
internal static partial class AwsLog
{
    [LoggerMessage(3000, LogLevel.Information, "Trusting {Count} certificate(s) of AWS_CA_BUNDLE {Path} for AWS upstreams instead of the system store")]
    public static partial void CaBundleLoaded(ILogger logger, string path, int count);

    [LoggerMessage(3001, LogLevel.Warning, "Rejected the certificate of an AWS upstream ({Subject}): it does not chain to AWS_CA_BUNDLE {Path} or names another host ({Errors})")]
    public static partial void UpstreamCertificateRejected(ILogger logger, string subject, string path, SslPolicyErrors errors);
}
