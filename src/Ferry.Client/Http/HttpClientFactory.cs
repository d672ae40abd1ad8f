using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.Client.Http;

/// <summary>One place that builds the HTTP clients Ferry components use to talk to each other.</summary>
public static class FerryHttp
{
    public static SocketsHttpHandler CreateHandler(ServerTrust trust, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            EnableMultipleHttp2Connections = true,
        };
        handler.SslOptions.EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) => trust.Validate(certificate, chain, errors);
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        return handler;
    }

    public static HttpClient CreateClient(Uri baseAddress, ServerTrust trust, X509Certificate2? clientCertificate, TimeSpan? timeout = null) =>
        new(CreateHandler(trust, clientCertificate), disposeHandler: true)
        {
            BaseAddress = baseAddress,
            Timeout = timeout ?? TimeSpan.FromSeconds(30),
            DefaultRequestVersion = HttpVersion.Version11,
        };
}
