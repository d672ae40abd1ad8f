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

    [LoggerMessage(3010, LogLevel.Information, "Assumed {RoleArn} as session {SessionName}: access key {AccessKeyId}, valid until {Expiration:O}")]
    public static partial void StsAssumedRole(ILogger logger, string roleArn, string sessionName, string accessKeyId, DateTimeOffset expiration);

    [LoggerMessage(3011, LogLevel.Warning, "AssumeRole of {RoleArn} as session {SessionName} failed ({Kind}); STS is asked again after {Backoff}, cached credentials still served: {Serving}. {Reason}")]
    public static partial void StsAssumeRoleFailed(ILogger logger, string roleArn, string sessionName, Ferry.Core.Errors.ErrorKind kind, TimeSpan backoff, bool serving, string reason);

    [LoggerMessage(3012, LogLevel.Debug, "Refreshing the credentials of {RoleArn} session {SessionName} in the background (they expire at {Expiration:O})")]
    public static partial void StsBackgroundRefresh(ILogger logger, string roleArn, string sessionName, DateTimeOffset expiration);

    [LoggerMessage(3013, LogLevel.Information, "The app service's AWS credentials come from {Provider} (temporary: {Temporary}); STS endpoint {Endpoint}, region {Region}")]
    public static partial void StsBaseCredentials(ILogger logger, string provider, bool temporary, string endpoint, string region);
}
