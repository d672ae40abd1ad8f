using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.LocalProxy.Http;

/// <summary>
/// The one long-lived connection pool to the Ferry proxy (docs/aws-access.md §1.5: TLS, SNI = proxy host, ALPN,
/// client certificate = the app certificate).
/// <para>
/// Why the TLS is done here, in a ConnectCallback, under an <c>http://</c> request URI: SocketsHttpHandler takes
/// the TLS server name from the request's Host header when one is set, and keeps one pool per Host value. The
/// forwarded requests carry the AWS host (<c>dynamodb.us-east-1.amazonaws.com</c>) as Host, so an <c>https://</c>
/// URI would send that as SNI, check the proxy's certificate against it and open a pool per AWS endpoint.
/// Owning the TLS keeps SNI and certificate checks on the proxy host and all requests in one pool.
/// </para>
/// </summary>
internal static class UpstreamHandler
{
    public static SocketsHttpHandler Create(Uri upstreamBase, X509Certificate2 clientCertificate,
        RemoteCertificateValidationCallback? validation, Version version)
    {
        var host = upstreamBase.IdnHost;
        var port = upstreamBase.Port;
        List<SslApplicationProtocol> alpn = version.Major >= 2 ? [SslApplicationProtocol.Http2] : [SslApplicationProtocol.Http11];

        // Built once: on Linux, creating the context per connection would rebuild the chain every handshake. Building it
        // loads the system's roots (~60 ms), so it starts now in the background and overlaps the rest of start-up.
        var clientContext = Task.Run(() => SslStreamCertificateContext.Create(clientCertificate, additionalCertificates: null, offline: true));
        return new SocketsHttpHandler
        {
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,

            // The client's own trace headers pass through untouched; the proxy adds none of its own.
            ActivityHeadersPropagator = null,
            ConnectTimeout = TimeSpan.FromSeconds(15),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(90),
            EnableMultipleHttp2Connections = true,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new DnsEndPoint(host, port), cancellationToken);
                    var tls = new SslStream(new NetworkStream(socket, ownsSocket: true), leaveInnerStreamOpen: false);
                    try
                    {
                        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
                        {
                            TargetHost = host,
                            ClientCertificateContext = await clientContext,
                            RemoteCertificateValidationCallback = validation,
                            ApplicationProtocols = alpn,
                        }, cancellationToken);
                        return tls;
                    }
                    catch
                    {
                        await tls.DisposeAsync();
                        throw;
                    }
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
    }
}
