using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ferry.Tunnel.Proxy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests.Infrastructure;

/// <summary>
/// A real "proxy": Kestrel with TLS on a loopback port, the tunnel route requiring a client certificate
/// from the test host CA, and a <see cref="TunnelServer"/> behind it, wired the way the proxy service will.
/// </summary>
internal sealed class ProxyHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ProxyHost(WebApplication app, TunnelServer tunnels, int port)
    {
        _app = app;
        Tunnels = tunnels;
        Port = port;
    }

    public TunnelServer Tunnels { get; }

    public int Port { get; }

    public Uri Url => new($"https://127.0.0.1:{Port}");

    /// <summary>Which services each agent (by certificate CN) may serve; the proxy's decision, not the agent's.</summary>
    public static ConcurrentDictionary<string, string[]> Grants { get; } = new();

    /// <summary>Starts a proxy; with <see cref="TunnelServerOptions.ProxyId"/> set its logs carry that id.</summary>
    public static async Task<ProxyHost> StartAsync(ITestOutputHelper output, int port = 0, X509Certificate2? certificate = null, TunnelServerOptions? options = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(new TestOutputLoggerProvider(output, options?.ProxyId ?? "proxy"));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = certificate ?? TestPki.ProxyCertificate,
            // Asked for at the TLS layer, verified on the tunnel route, as the proxy does for its mixed listener.
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        })));

        var app = builder.Build();
        var loggerFactory = app.Services.GetRequiredService<ILoggerFactory>();
        var tunnels = new TunnelServer(options, loggerFactory);
        // Tunnels are endless requests: close them first, or Kestrel waits its whole shutdown timeout for them.
        app.Lifetime.ApplicationStopping.Register(() => tunnels.DisposeAsync().AsTask().GetAwaiter().GetResult());

        app.UseWebSockets();
        app.Map(TunnelDefaults.Path, async context =>
        {
            var certificate = await context.Connection.GetClientCertificateAsync(context.RequestAborted);
            if (!TestPki.ChainsToCa(certificate))
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            var agentId = certificate!.GetNameInfo(X509NameType.SimpleName, forIssuer: false);
            if (!Grants.TryGetValue(agentId, out var services))
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                return;
            }

            await tunnels.AcceptAsync(context, new TunnelPeer { AgentId = agentId, Services = services });
        });

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ProxyHost(app, tunnels, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        await Tunnels.DisposeAsync();
    }
}
