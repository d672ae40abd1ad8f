using Amazon.Runtime;

namespace Ferry.Aws.Sts;

/// <summary>Settings of <see cref="StsCredentialCache"/>; every default suits production.</summary>
public sealed class StsCredentialCacheOptions
{
    /// <summary>
    /// The agent's environment: AWS_REGION / AWS_DEFAULT_REGION, AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL,
    /// AWS_CA_BUNDLE and the proxy variables. Defaults to the process environment.
    /// </summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The STS region; null reads AWS_REGION, then AWS_DEFAULT_REGION, else us-east-1.</summary>
    public string? Region { get; init; }

    /// <summary>
    /// The agent's own credentials; null resolves the AWS SDK default chain (environment variables, web identity,
    /// shared credentials and config files with AWS_PROFILE, container and EC2 instance metadata). The SDK chain reads
    /// the process environment and ~/.aws itself, not <see cref="Environment"/>.
    /// </summary>
    public AWSCredentials? BaseCredentials { get; init; }

    /// <summary>Refresh this long before expiry (minus a random jitter up to <see cref="RefreshJitter"/>).</summary>
    public TimeSpan RefreshBeforeExpiry { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan RefreshJitter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Cached credentials with at least this much left are still handed out while a refresh runs or after it
    /// failed; below it, callers wait for STS.
    /// </summary>
    public TimeSpan MinimumRemaining { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>After a failed AssumeRole, the first wait before STS is asked again for that key; it doubles per failure.</summary>
    public TimeSpan FailureBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxFailureBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The HTTP handler for STS calls; null builds one with <see cref="Http.AwsHttpClientFactory"/> from <see cref="Environment"/>.</summary>
    public HttpMessageHandler? HttpHandler { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
