using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ferry.Auth.Api;
using Ferry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Ferry.Auth.Hosting;

/// <summary>
/// Serves the auth API on its own mTLS listener. A presented certificate must be issued by this cluster's CAs to
/// complete the handshake; each request is then authorised by the identity in its certificate. A connection without
/// a certificate reaches only what a joining host needs before it has one (GET /v1/cas, POST /v1/join): every other
/// route refuses an anonymous caller (CallerAuthenticator.Authenticate).
/// </summary>
public static class AuthHost
{
    /// <summary>Auth API bodies are small JSON documents; 1 MiB leaves room for large role files and nothing more.</summary>
    private const long MaxRequestBodyBytes = 1 << 20;

    public static WebApplication Build(AuthServer server, IPEndPoint listen, Func<X509Certificate2> serverCertificate, Action<ILoggingBuilder> configureLogging)
    {
        var builder = FerryWebHost.CreateBuilder(configureLogging);
        builder.ListenHttps(listen, serverCertificate, ClientCertificateMode.AllowCertificate, certificate => IsClusterCertificate(server, certificate), MaxRequestBodyBytes);
        var app = builder.Build();
        app.UseFerryApiBasics("Ferry.Auth.Api");
        app.MapAuthApi(server);
        return app;
    }

    private static bool IsClusterCertificate(AuthServer server, X509Certificate2 certificate)
    {
        try
        {
            server.Verifier.Verify(certificate);
            return true;
        }
        catch (Core.Errors.FerryException)
        {
            return false;
        }
    }
}
