using System.Net;

namespace Ferry.Aws.Http;

/// <summary>Settings of the long-lived HTTP client for AWS upstreams. Build them from the environment with <see cref="FromEnvironment"/>.</summary>
public sealed class AwsHttpClientOptions
{
    /// <summary>A PEM bundle to trust instead of the system store (AWS_CA_BUNDLE); null for the system store.</summary>
    public string? CaBundlePath { get; init; }

    /// <summary>The proxy for upstream calls; null sends directly (UseProxy = false).</summary>
    public IWebProxy? Proxy { get; init; }

    /// <summary>Recycle pooled connections so DNS changes of AWS endpoints are picked up.</summary>
    public TimeSpan PooledConnectionLifetime { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan PooledConnectionIdleTimeout { get; init; } = TimeSpan.FromSeconds(90);

    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>HttpClient.Timeout: until the response headers for a streamed response, the whole exchange otherwise.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// Reads AWS_CA_BUNDLE and the proxy variables (HTTPS_PROXY, HTTP_PROXY, NO_PROXY and their lower-case forms)
    /// from <paramref name="environment"/>, the way botocore and the AWS SDKs do.
    /// </summary>
    public static AwsHttpClientOptions FromEnvironment(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var bundle = environment("AWS_CA_BUNDLE");
        return new AwsHttpClientOptions
        {
            CaBundlePath = string.IsNullOrWhiteSpace(bundle) ? null : bundle.Trim(),
            Proxy = EnvironmentWebProxy.TryCreate(environment),
        };
    }

    public static AwsHttpClientOptions FromEnvironment(IReadOnlyDictionary<string, string> environment) =>
        FromEnvironment(name => environment.TryGetValue(name, out var value) ? value : null);
}
