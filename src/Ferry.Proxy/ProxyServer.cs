using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Identity;

namespace Ferry.Proxy;

/// <summary>
/// The proxy's state: its own host identity towards auth, the cluster CAs to verify callers, and what it
/// tells clients before they log in. It keeps no state of its own, so several proxies can share one auth.
/// </summary>
public sealed class ProxyServer : IDisposable
{
    public ProxyServer(ProxyServerOptions options, X509Certificate2 identity, CaResponse cas, StatusResponse status, TimeProvider time)
    {
        Options = options;
        Identity = identity;
        Cas = cas;
        Status = status;
        var hostCa = X509Certificate2.CreateFromPem(cas.HostCaPem);
        Verifier = new IdentityVerifier(X509Certificate2.CreateFromPem(cas.UserCaPem), hostCa, time);
        AuthHttp = FerryHttp.CreateClient(options.AuthApiBase, new ServerTrust(false, hostCa), identity);
        Auth = new AuthClient(new ApiCaller(FerryHttp.CreateClient(options.AuthApiBase, new ServerTrust(false, hostCa), identity), "the auth server"));
    }

    public ProxyServerOptions Options { get; }
    public X509Certificate2 Identity { get; }
    public CaResponse Cas { get; }
    public StatusResponse Status { get; }
    public IdentityVerifier Verifier { get; }

    /// <summary>Typed auth calls made as the proxy itself.</summary>
    public AuthClient Auth { get; }

    /// <summary>Raw client for forwarding calls made on behalf of a verified caller.</summary>
    public HttpClient AuthHttp { get; }

    public PingResponse Ping => new()
    {
        ClusterName = Status.ClusterName,
        ServerVersion = Status.Version,
        SecondFactor = Status.SecondFactor,
        ProxyPublicAddr = Options.PrimaryPublicAddr,
    };

    public void Dispose()
    {
        Auth.Dispose();
        AuthHttp.Dispose();
    }
}
