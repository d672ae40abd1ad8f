using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Aws.Http;

/// <summary>
/// Builds the one long-lived HTTP stack for calls to AWS (proxied API requests, STS, federation): pooled
/// keep-alive connections recycled every few minutes, no decompression (bodies pass through unchanged),
/// no redirects (a 30x from AWS goes back to the client), no cookies, the environment's proxy and AWS_CA_BUNDLE.
/// Create it once per process and share it; it is thread-safe.
/// </summary>
public static class AwsHttpClientFactory
{
    public static SocketsHttpHandler CreateHandler(AwsHttpClientOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionLifetime = options.PooledConnectionLifetime,
            PooledConnectionIdleTimeout = options.PooledConnectionIdleTimeout,
            ConnectTimeout = options.ConnectTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = options.Proxy is not null,
            Proxy = options.Proxy,
            EnableMultipleHttp2Connections = true,
        };

        if (options.CaBundlePath is not null)
        {
            var bundle = AwsCaBundle.Load(options.CaBundlePath);
            AwsLog.CaBundleLoaded(logger, bundle.Path, bundle.Count);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                var ok = bundle.Validate(certificate, chain, errors);
                if (!ok)
                {
                    AwsLog.UpstreamCertificateRejected(logger, (certificate as System.Security.Cryptography.X509Certificates.X509Certificate2)?.Subject ?? "none", bundle.Path, errors);
                }

                return ok;
            };
        }

        return handler;
    }

    public static HttpClient CreateClient(AwsHttpClientOptions options, ILogger? logger = null) =>
        new(CreateHandler(options, logger), disposeHandler: true) { Timeout = options.Timeout };
}
