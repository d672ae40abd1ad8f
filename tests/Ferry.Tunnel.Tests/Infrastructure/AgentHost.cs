using System.Collections.Concurrent;
using System.Net;
using Ferry.Tunnel.Agent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace Ferry.Tunnel.Tests.Infrastructure;

/// <summary>
/// A real app agent: an ordinary minimal-API app whose Kestrel serves over <see cref="TunnelClient"/>
/// tunnels (and, for the latency comparison, also on a loopback h2c port).
/// </summary>
internal sealed class AgentHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private AgentHost(WebApplication app, TunnelClient client, Uri? directUrl)
    {
        _app = app;
        Client = client;
        DirectUrl = directUrl;
    }

    public TunnelClient Client { get; }

    /// <summary>The same app on a plain loopback port, when asked for.</summary>
    public Uri? DirectUrl { get; }

    /// <summary>Kestrel connection ids that served requests: one per tunnel used.</summary>
    public ConcurrentDictionary<string, int> ConnectionsUsed { get; } = new();

    public static async Task<AgentHost> StartAsync(
        ITestOutputHelper output, Uri proxyUrl, string agentId, string[] services,
        Func<TunnelClientOptions, TunnelClientOptions>? configure = null, bool listenDirect = false, bool granted = true)
    {
        if (granted)
        {
            ProxyHost.Grants[agentId] = services;
        }

        var options = new TunnelClientOptions
        {
            ProxyUrl = proxyUrl,
            ClientCertificate = TestPki.AgentCertificate(agentId),
            ServerCertificateValidation = (certificate, _, _) => TestPki.ChainsToCa(certificate),
            AgentId = agentId,
            Services = services,
            MinBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(2),
        };
        options = configure?.Invoke(options) ?? options;

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(new TestOutputLoggerProvider(output, agentId));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var client = new TunnelClient(options, LoggerFactory.Create(l => l.AddProvider(new TestOutputLoggerProvider(output, agentId)).SetMinimumLevel(LogLevel.Debug)));
        builder.WebHost.UseTunnel(client);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The app's call, not the tunnel's: AWS uploads can be large.
            kestrel.Limits.MaxRequestBodySize = null;
            if (listenDirect)
            {
                kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2);
            }
        });

        var app = builder.Build();
        AgentHost? host = null;
        app.Use((context, next) =>
        {
            host!.ConnectionsUsed.AddOrUpdate(context.Connection.Id, 1, (_, n) => n + 1);
            return next(context);
        });
        MapEndpoints(app, agentId);
        await app.StartAsync();

        var direct = listenDirect
            ? new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
                .Addresses.Single(a => a.StartsWith("http://127.0.0.1", StringComparison.Ordinal)))
            : null;
        host = new AgentHost(app, client, direct);
        return host;
    }

    /// <summary>Graceful stop: Kestrel drains the tunnels (GOAWAY) and closes them.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync();
            await _app.DisposeAsync();
            await Client.DisposeAsync();
        }
    }

    /// <summary>Like a crash: the tunnels are torn down under running requests.</summary>
    public async Task KillAsync()
    {
        await Client.DisposeAsync();
        await StopAsync();
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private static void MapEndpoints(WebApplication app, string agentId)
    {
        // Echoes the request line and x-test-* headers in headers, the body in the body (streamed).
        app.Map("/echo/{**rest}", async (HttpContext context) =>
        {
            var request = context.Request;
            var response = context.Response;
            response.StatusCode = int.TryParse(request.Query["status"], out var status) ? status : 200;
            response.Headers["x-echo-method"] = request.Method;
            response.Headers["x-echo-path"] = request.Path.ToUriComponent();
            response.Headers["x-echo-raw-target"] = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
            response.Headers["x-echo-query"] = request.QueryString.Value;
            response.Headers["x-echo-host"] = request.Host.Value;
            response.Headers["x-echo-protocol"] = request.Protocol;
            foreach (var header in request.Headers.Where(h => h.Key.StartsWith("x-test-", StringComparison.OrdinalIgnoreCase)))
            {
                response.Headers["x-echo-" + header.Key["x-test-".Length..]] = header.Value;
            }

            response.ContentType = request.ContentType ?? "application/octet-stream";
            await request.Body.CopyToAsync(response.Body, context.RequestAborted);
        });

        app.MapGet("/whoami", () => agentId);

        app.MapGet("/slow", async (int ms, CancellationToken cancellationToken) =>
        {
            await Task.Delay(ms, cancellationToken);
            return "slow";
        });

        app.MapGet("/download", async (HttpContext context, long bytes) =>
        {
            context.Response.ContentLength = bytes;
            var chunk = new byte[64 * 1024];
            for (long offset = 0; offset < bytes;)
            {
                var count = (int)Math.Min(chunk.Length, bytes - offset);
                Pattern.Fill(chunk.AsSpan(0, count), offset);
                await context.Response.Body.WriteAsync(chunk.AsMemory(0, count), context.RequestAborted);
                offset += count;
            }
        });

        app.MapPost("/upload", async (HttpContext context) =>
        {
            var (count, mismatches) = await Pattern.VerifyAsync(context.Request.Body, context.RequestAborted);
            return $"{count} {mismatches}";
        });
    }
}
