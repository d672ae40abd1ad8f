using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Ferry.Hosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Hosting;

/// <summary>The Kestrel set-up every Ferry listener shares: slim host, TLS 1.2+, HTTP/1.1 and HTTP/2, quick shutdown, one error shape.</summary>
public static class FerryWebHost
{
    public static WebApplicationBuilder CreateBuilder(Action<ILoggingBuilder> configureLogging)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        configureLogging(builder.Logging);
        builder.Services.AddRoutingCore();
        builder.UseFerryShutdown();
        return builder;
    }

    /// <summary>One HTTPS endpoint; <paramref name="validateClient"/> decides at the handshake which client certificates pass.</summary>
    public static void ListenHttps(
        this WebApplicationBuilder builder,
        IPEndPoint listen,
        X509Certificate2 serverCertificate,
        ClientCertificateMode clientCertificateMode,
        Func<X509Certificate2, bool> validateClient,
        long maxRequestBodyBytes) =>
        builder.ListenHttps(listen, _ => serverCertificate, clientCertificateMode, validateClient, maxRequestBodyBytes);

    /// <summary>With a certificate chosen at each handshake (the current one of a host identity that renews itself).</summary>
    public static void ListenHttps(
        this WebApplicationBuilder builder,
        IPEndPoint listen,
        Func<X509Certificate2> serverCertificate,
        ClientCertificateMode clientCertificateMode,
        Func<X509Certificate2, bool> validateClient,
        long maxRequestBodyBytes) =>
        builder.ListenHttps(listen, _ => serverCertificate(), clientCertificateMode, validateClient, maxRequestBodyBytes);

    /// <summary>The same with a certificate chosen at each handshake by the host name the client asked for (SNI).</summary>
    public static void ListenHttps(
        this WebApplicationBuilder builder,
        IPEndPoint listen,
        Func<string?, X509Certificate2> serverCertificate,
        ClientCertificateMode clientCertificateMode,
        Func<X509Certificate2, bool> validateClient,
        long maxRequestBodyBytes)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxRequestBodyBytes;

            // tsh speaks HTTP/2 over TLS it set up itself and so sends :scheme http; nothing here trusts the scheme.
            kestrel.AllowAlternateSchemes = true;
            kestrel.Listen(listen, options =>
            {
                options.Protocols = HttpProtocols.Http1AndHttp2;
                options.UseHttps(new HttpsConnectionAdapterOptions
                {
                    ServerCertificateSelector = (_, serverName) => serverCertificate(serverName),
                    SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    ClientCertificateMode = clientCertificateMode,
                    ClientCertificateValidation = (certificate, _, _) => validateClient(certificate),
                });
            });
        });
    }

    /// <summary>
    /// First middleware of every API host: each request is measured (by route and status, for /metrics), errors become
    /// {"error": ...}, and stopping ends long-lived requests.
    /// </summary>
    public static WebApplication UseFerryApiBasics(this WebApplication app, string loggerCategory)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(loggerCategory);
        var server = loggerCategory.Split('.') is [_, var component, ..] ? component.ToLowerInvariant() : loggerCategory;
        app.Use((context, next) => RequestMetrics.MeasureAsync(context, next, server));
        app.Use((context, next) => ApiResults.HandleErrorsAsync(context, next, logger));
        app.UseStopAbortsRequests();
        return app;
    }
}
