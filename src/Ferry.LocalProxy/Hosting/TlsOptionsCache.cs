using System.Collections.Concurrent;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ferry.LocalProxy.Certificates;
using Ferry.LocalProxy.Connect;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Https;

namespace Ferry.LocalProxy.Hosting;

/// <summary>
/// The TLS settings of the local listener per server name: the local CA's leaf for the SNI host, with its
/// certificate context built once (building it per handshake would rebuild the chain every time).
/// A ClientHello without SNI gets the CONNECT host on an intercepted tunnel, else the localhost leaf.
/// </summary>
internal sealed class TlsOptionsCache
{
    private static readonly List<SslApplicationProtocol> Alpn = [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11];

    private readonly LocalCertificateAuthority _ca;
    private readonly ConcurrentDictionary<string, SslServerAuthenticationOptions> _options = new(StringComparer.OrdinalIgnoreCase);

    public TlsOptionsCache(LocalCertificateAuthority ca)
    {
        _ca = ca;
    }

    public ValueTask<SslServerAuthenticationOptions> OnConnection(TlsHandshakeCallbackContext context)
    {
        var name = context.ClientHelloInfo.ServerName;
        if (string.IsNullOrEmpty(name) && context.Connection.Items.TryGetValue(ConnectHandler.ConnectHostItem, out var host))
        {
            name = host as string;
        }

        return ValueTask.FromResult(Get(name));
    }

    public SslServerAuthenticationOptions Get(string? serverName) =>
        _options.GetOrAdd(serverName ?? string.Empty, static (name, ca) => new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(
                ca.GetLeafCertificate(name), new X509Certificate2Collection(ca.Certificate), offline: true),
            ApplicationProtocols = Alpn,
            ClientCertificateRequired = false,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        }, _ca);
}
