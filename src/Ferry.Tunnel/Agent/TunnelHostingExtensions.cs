using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ferry.Tunnel.Agent;

/// <summary>Plugs a <see cref="TunnelClient"/> into Kestrel, so requests from the proxy reach the app's pipeline.</summary>
public static class TunnelHostingExtensions
{
    /// <summary>Serves the app over tunnels to the proxy (in addition to any other endpoint Kestrel listens on).</summary>
    public static IWebHostBuilder UseTunnel(this IWebHostBuilder builder, TunnelClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        builder.ConfigureServices(services => services.AddTunnelTransport());
        return builder.ConfigureKestrel(kestrel => kestrel.ListenTunnel(client));
    }

    /// <summary>Registers the Kestrel transport for <see cref="TunnelEndPoint"/>; needed by <see cref="ListenTunnel"/>.</summary>
    public static IServiceCollection AddTunnelTransport(this IServiceCollection services)
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConnectionListenerFactory, TunnelConnectionListenerFactory>());
        return services;
    }

    /// <summary>
    /// Listens on the tunnel: HTTP/2 only (the proxy speaks it with prior knowledge), with server-wide limits
    /// a tunnel needs. They are raised, never lowered: Kestrel has no per-endpoint HTTP/2 limits.
    /// </summary>
    public static KestrelServerOptions ListenTunnel(this KestrelServerOptions options, TunnelClient client, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        var limits = options.Limits;

        // A spare tunnel may wait a long time before the proxy starts HTTP/2 on it, and an HTTP/2 connection
        // may sit idle between bursts. Kestrel would close both after KeepAliveTimeout (130 s), and the agent
        // would redial for nothing; liveness is what the WebSocket and HTTP/2 pings are for. Not
        // InfiniteTimeSpan: Kestrel's HTTP/2 timeout arithmetic turns it into "already expired" and closes
        // every idle connection on its next one-second heartbeat. A day costs one redial a day at most.
        limits.KeepAliveTimeout = Max(limits.KeepAliveTimeout, TimeSpan.FromDays(1));
        limits.Http2.KeepAlivePingDelay = Min(limits.Http2.KeepAlivePingDelay, TimeSpan.FromSeconds(15));
        limits.Http2.KeepAlivePingTimeout = Min(limits.Http2.KeepAlivePingTimeout, TimeSpan.FromSeconds(10));

        // Request bodies (proxy → agent, e.g. uploads to S3) flow at window ÷ round trip; Kestrel's defaults
        // (768 KiB per stream) would cap one upload at ~15 MB/s over a 50 ms path.
        limits.Http2.InitialStreamWindowSize = Math.Max(limits.Http2.InitialStreamWindowSize, 4 * 1024 * 1024);
        limits.Http2.InitialConnectionWindowSize = Math.Max(limits.Http2.InitialConnectionWindowSize, 8 * 1024 * 1024);

        options.Listen(new TunnelEndPoint(client), listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            configure?.Invoke(listen);
        });
        return options;
    }

    // TimeSpan.MaxValue (Kestrel's "off") compares greater than anything, so Min turns pings on.
    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
