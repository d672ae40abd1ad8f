using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.Client.Http;

/// <summary>One place that builds the HTTP clients Ferry components use to talk to each other.</summary>
public static class FerryHttp
{
    /// <summary>Where a refused server certificate's reason travels on the exception (read by <see cref="ApiCaller"/>).</summary>
    internal const string RejectionKey = "ferry.tls_rejection";

    public static HttpMessageHandler CreateHandler(ServerTrust trust, X509Certificate2? clientCertificate) =>
        CreateHandler(trust, clientCertificate is null ? null : () => clientCertificate);

    /// <summary>
    /// With a certificate source, every new connection presents the source's current certificate: hosts renew theirs
    /// in the background (docs/security.md), and connections are recycled so none outlives a renewal for long.
    /// </summary>
    public static HttpMessageHandler CreateHandler(ServerTrust trust, Func<X509Certificate2?>? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            PooledConnectionLifetime = TimeSpan.FromMinutes(30),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
        };
        handler.SslOptions.EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => trust.Validate(certificate, chain, errors);
        if (clientCertificate is not null)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate()!;
        }

        return new RejectionReasonHandler(trust, handler);
    }

    public static HttpClient CreateClient(Uri baseAddress, ServerTrust trust, X509Certificate2? clientCertificate, TimeSpan? timeout = null) =>
        CreateClient(baseAddress, trust, clientCertificate is null ? null : () => clientCertificate, timeout);

    public static HttpClient CreateClient(Uri baseAddress, ServerTrust trust, Func<X509Certificate2?>? clientCertificate, TimeSpan? timeout = null) =>
        new(CreateHandler(trust, clientCertificate), disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version11,
        };

    /// <summary>Attaches why the server's certificate was refused to the TLS failure, so the user reads the reason.</summary>
    private sealed class RejectionReasonHandler(ServerTrust trust, HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.SecureConnectionError && trust.LastRejection is { } reason)
            {
                e.Data[RejectionKey] = reason;
                throw;
            }
        }
    }
}
