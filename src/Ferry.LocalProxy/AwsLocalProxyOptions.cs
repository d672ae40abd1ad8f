using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ferry.Aws;
using Ferry.LocalProxy.Certificates;
using Microsoft.Extensions.Logging;

namespace Ferry.LocalProxy;

/// <summary>What <see cref="AwsLocalProxy"/> needs; validated once by its constructor and not read again afterwards.</summary>
public sealed class AwsLocalProxyOptions
{
    /// <summary>The reference's request body cap (docs/aws-access.md §1.7, §11 item 20): the agent refuses more anyway.</summary>
    public const long DefaultMaxRequestBodySize = Aws.AwsBodyLimits.MaxBufferedBytes;

    public AwsLocalProxyMode Mode { get; init; } = AwsLocalProxyMode.HttpsProxy;

    /// <summary>The port on 127.0.0.1 (<c>-p/--port</c>); 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The throwaway pair clients sign with (<see cref="LocalAwsCredentials.Create"/>).</summary>
    public required AwsCredentials LocalCredentials { get; init; }

    /// <summary>Issues the certificates the local TLS listener presents.</summary>
    public required LocalCertificateAuthority Ca { get; init; }

    /// <summary>
    /// Where <see cref="AwsLocalProxy.StartAsync"/> writes the CA PEM (0600); the value of <c>AWS_CA_BUNDLE</c>,
    /// e.g. <c>&lt;tsh home&gt;/keys/&lt;proxy&gt;/&lt;user&gt;-app/&lt;cluster&gt;/&lt;app&gt;-localca.pem</c>.
    /// </summary>
    public required string CaBundlePath { get; init; }

    /// <summary>The Ferry proxy's web address, <c>https://host:port</c>; requests go to it with their path and query.</summary>
    public required Uri UpstreamBase { get; init; }

    /// <summary>The user's app certificate for this app, with its private key (docs/aws-access.md §1.5).</summary>
    public required X509Certificate2 ClientCertificate { get; init; }

    /// <summary>Validates the Ferry proxy's certificate (the cluster's pinned CA); null uses the system trust store.</summary>
    public RemoteCertificateValidationCallback? UpstreamCertificateValidation { get; init; }

    /// <summary>
    /// HTTP/2 (ALPN <c>h2</c>) to the Ferry proxy: every AWS request of a tsh process multiplexed on one TLS
    /// connection, which measured ~20 % less CPU per request in tsh and the proxy than HTTP/1.1 (bench/). Because
    /// <see cref="Http.UpstreamHandler"/> owns the TLS under an <c>http://</c> URI, requests carry <c>:scheme http</c>;
    /// the Ferry proxy accepts that (<c>AllowAlternateSchemes</c>). HTTP/1.1 stays available for other upstreams.
    /// </summary>
    internal Version UpstreamHttpVersion { get; init; } = HttpVersion.Version20;

    /// <summary>Where non-AWS CONNECTs go in <see cref="AwsLocalProxyMode.HttpsProxy"/> mode; null dials them directly.</summary>
    public SystemProxySettings? SystemProxy { get; init; }

    /// <summary>Requests with a larger body get 413 and are not forwarded.</summary>
    public long MaxRequestBodySize { get; init; } = DefaultMaxRequestBodySize;

    /// <summary>How long dialling a tunnelled host (or the system proxy) may take before 503/502.</summary>
    public TimeSpan TunnelConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Replaces the upstream handler (tests). It receives requests whose URI is the upstream base plus the raw
    /// target and whose <c>Host</c> header is the client's; it must not choose the TLS server name from that header.
    /// </summary>
    public Func<HttpMessageHandler>? UpstreamHandlerFactory { get; init; }

    /// <summary>The clock signatures are checked against: X-Amz-Date within 15 minutes, presigned URLs until they expire.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    public ILoggerFactory? LoggerFactory { get; init; }
}
