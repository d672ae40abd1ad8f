using Ferry.Hosting;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Ferry.Auth.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ferry.Auth.Hosting;

/// <summary>
/// Serves the auth API on its own mTLS listener. Only certificates issued by this cluster's CAs complete the
/// handshake; each request is then authorised by the identity in its certificate.
/// </summary>
public static class AuthHost
{
    /// <summary>Auth API bodies are small JSON documents; 1 MiB leaves room for large role files and nothing more.</summary>
    private const long MaxRequestBodyBytes = 1 << 20;

    public static WebApplication Build(AuthServer server, IPEndPoint listen, X509Certificate2 serverCertificate, Action<ILoggingBuilder> configureLogging)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        configureLogging(builder.Logging);
        builder.Services.AddRoutingCore();
        builder.UseFerryShutdown();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            kestrel.Listen(listen, options =>
            {
                options.Protocols = HttpProtocols.Http1AndHttp2;
                options.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificate = serverCertificate,
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateMode = ClientCertificateMode.RequireCertificate,
                    ClientCertificateValidation = (certificate, _, _) => IsClusterCertificate(server, certificate),
                });
            });
        });

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ferry.Auth.Api");
        app.Use((context, next) => ApiResults.HandleErrorsAsync(context, next, logger));
        app.UseStopAbortsRequests();
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
