using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ferry.Hosting;
using Ferry.Proxy.Apps;
using Ferry.Proxy.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;

namespace Ferry.Proxy.Hosting;

/// <summary>
/// The proxy's single public HTTPS listener. Client certificates are optional at the TLS level (browsers and
/// first logins have none); every route that needs one verifies it against the cluster CAs itself.
/// </summary>
public static class ProxyHost
{
    /// <summary>Web API bodies are small; app traffic raises its own cap (70 MB) where it is forwarded.</summary>
    private const long MaxRequestBodyBytes = 1 << 20;

    /// <param name="serverCertificate">The certificate for a handshake, by the host name it asked for (SNI; null without).</param>
    public static WebApplication Build(ProxyServer proxy, IPEndPoint listen, Func<string?, X509Certificate2> serverCertificate, Action<ILoggingBuilder> configureLogging)
    {
        var builder = FerryWebHost.CreateBuilder(configureLogging);
        builder.ListenHttps(listen, serverCertificate, ClientCertificateMode.AllowCertificate, _ => true, MaxRequestBodyBytes);
        var app = builder.Build();
        app.UseFerryApiBasics("Ferry.Proxy.Web");
        app.UseWebSockets();
        // Each component gets the pieces it uses, so its constructor says what it touches.
        // An app login through another proxy a moment ago may not be in this one's feed yet.
        var appSessions = new Caching.CacheOrAuth<Core.Api.AppSessionInfo>(proxy.AppSessions, "/app_sessions/", proxy.AuthGateway.Auth.GetAppSessionAsync, proxy.Time);
        var forwarder = new AppRequestForwarder(
            proxy.Tunnels, appSessions, proxy.Apps, proxy.Access, proxy.Gate, proxy.Audit, proxy.ClusterName, proxy.Time, proxy.LoggerFactory.CreateLogger("Ferry.Proxy.Apps"));
        var browser = new BrowserAppHandler(
            proxy.Apps, proxy.AppSessions, proxy.AuthGateway.Auth, proxy.Verifier, proxy.Gate, proxy.Options.PrimaryPublicAddr, proxy.Time, forwarder);
        var appTraffic = new AppTrafficMiddleware(proxy.Callers, proxy.Tunnels, forwarder, browser);
        app.Use(appTraffic.InvokeAsync);
        WebApiEndpoints.Map(app, proxy.Ping, proxy.Cas, proxy.AuthGateway.Http, proxy.Callers);
        Web.Ui.WebUiEndpoints.MapWebUi(app, new WebSessions.WebPortal(
            proxy.AuthGateway, proxy.WebSessions, proxy.Apps, proxy.Verifier, proxy.Gate, proxy.Options.PrimaryPublicAddr, proxy.Ping, proxy.Time));
        return app;
    }
}
