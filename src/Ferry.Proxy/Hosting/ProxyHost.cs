using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Ferry.Hosting;
using Ferry.Proxy.Apps;
using Ferry.Proxy.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ferry.Proxy.Hosting;

/// <summary>
/// The proxy's single public HTTPS listener. Client certificates are optional at the TLS level (browsers and
/// first logins have none); every route that needs one verifies it against the cluster CAs itself.
/// </summary>
public static class ProxyHost
{
    /// <summary>Web API bodies are small; app traffic has its own, larger cap where it is forwarded.</summary>
    private const long MaxRequestBodyBytes = 1 << 20;

    public static WebApplication Build(ProxyServer proxy, IPEndPoint listen, X509Certificate2 serverCertificate, Action<ILoggingBuilder> configureLogging)
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
                    ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                    ClientCertificateValidation = (_, _, _) => true,
                });
            });
        });

        var app = builder.Build();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Ferry.Proxy.Web");
        app.Use((context, next) => ApiResults.HandleErrorsAsync(context, next, logger));
        app.UseStopAbortsRequests();
        app.UseWebSockets();
        var forwarder = new AppRequestForwarder(proxy.Tunnels, proxy.AppSessions, proxy.AppServers, proxy.Access, proxy.Emit, proxy.Time, proxy.LoggerFactory.CreateLogger("Ferry.Proxy.Apps"));
        var appTraffic = new AppTrafficMiddleware(proxy, forwarder, new BrowserAppHandler(proxy, forwarder));
        app.Use(appTraffic.InvokeAsync);
        WebApiEndpoints.Map(app, proxy);
        Web.Ui.WebUiEndpoints.MapWebUi(app, new WebSessions.WebPortal(proxy));
        return app;
    }
}
