using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Identity;

namespace Ferry.Proxy.Auth;

/// <summary>
/// The proxy's one connection pool to auth (or to the balancer in front of several auth servers), trusting only an
/// Auth certificate: typed calls as the proxy itself, raw forwarding for callers the proxy verified, and typed calls
/// on behalf of a signed-in browser (whose certificate auth verifies again).
/// </summary>
public sealed class AuthGateway : IDisposable
{
    private readonly HttpMessageHandler _handler;
    private readonly Uri _baseAddress;

    public AuthGateway(Uri baseAddress, X509Certificate2 hostCa, CertificateSource identity)
    {
        _baseAddress = baseAddress;
        // Auth is trusted only as Auth: the host CA also signs agents' and proxies' certificates.
        _handler = FerryHttp.CreateHandler(ServerTrust.ForAuth(hostCa), identity);
        Http = NewHttp(null);
        Auth = NewClient();
    }

    /// <summary>Typed auth calls made as the proxy itself.</summary>
    public AuthClient Auth { get; }

    /// <summary>Raw client for forwarding calls made on behalf of a verified caller.</summary>
    public HttpClient Http { get; }

    /// <summary>A fresh client as the proxy itself (the watch caches and background loops own theirs).</summary>
    public AuthClient NewClient() => new(new ApiCaller(NewHttp(null), "the auth server"));

    /// <summary>Auth calls on behalf of a user whose certificate the proxy holds (a signed-in browser); auth verifies it again.</summary>
    public AuthClient For(string userCertificatePem) =>
        new(new ApiCaller(NewHttp(Convert.ToBase64String(CertificatePem.ToDer(userCertificatePem))), "the auth server"));

    private HttpClient NewHttp(string? forwardedCertificate)
    {
        HttpMessageHandler handler = forwardedCertificate is null ? _handler : new ForwardCertificateHandler(_handler, forwardedCertificate);
        // Never dispose the handler with the client: underneath is the one shared pool, owned by this object.
        return new HttpClient(handler, disposeHandler: false) { BaseAddress = _baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose()
    {
        Auth.Dispose();
        Http.Dispose();
        _handler.Dispose();
    }

    /// <summary>Adds the caller's certificate to every request.</summary>
    private sealed class ForwardCertificateHandler(HttpMessageHandler inner, string certificate) : DelegatingHandler(inner)
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            request.Headers.TryAddWithoutValidation(ApiHeaders.ForwardedCertificate, certificate);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
