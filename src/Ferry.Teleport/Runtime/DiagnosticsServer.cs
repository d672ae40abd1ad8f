using System.Net;
using System.Text.Json;
using Ferry.Hosting.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Prometheus;

namespace Ferry.Teleport.Runtime;

/// <summary>
/// teleport.diag_addr: plain HTTP for load balancers and monitoring, on an address operators keep private.
/// <code>
///   GET /healthz  200 while the process runs
///   GET /readyz   200 when every service of this process can serve (storage, caches in sync, tunnels up), else 503,
///                 with the checks and why each failed (what a load balancer's health check reads)
///   GET /metrics  Prometheus text format: Ferry's instruments (FerryMetrics), ASP.NET Core's http.server.* by route
///                 and status, and the process's own
/// </code>
/// </summary>
internal sealed class DiagnosticsServer : IAsyncDisposable
{
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>The one check while the process's services are still starting.</summary>
    public static readonly ReadinessCheck Starting = new("services", _ => ValueTask.FromResult<string?>("the services of this process are still starting"));

    /// <summary>1 ms to 30 s: from a cached decision to a slow AWS call.</summary>
    private static readonly double[] SecondsBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

    private readonly WebApplication _app;
    private readonly IDisposable _adapter;

    private DiagnosticsServer(WebApplication app, IDisposable adapter)
    {
        _app = app;
        _adapter = adapter;
    }

    public static async Task<DiagnosticsServer> StartAsync(IPEndPoint listen, Func<IReadOnlyList<ReadinessCheck>> checks, ProcessContext context, CancellationToken cancellationToken)
    {
        // Listen to the meters before any request is served: prometheus-net's own adapter would start at the first scrape
        // and miss everything recorded before it. Durations are seconds, so the buckets are too.
        Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions { SuppressMeters = true });
        var adapter = MeterAdapter.StartListening(new MeterAdapterOptions { ResolveHistogramBuckets = _ => SecondsBuckets });
        _ = Core.Diagnostics.FerryMetrics.Meter;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        context.ConfigureLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(listen);
        });
        var app = builder.Build();
        app.MapGet("/healthz", () => Results.Json(new { status = "ok" }));
        app.MapGet("/readyz", async (CancellationToken ct) =>
        {
            var results = new List<object>();
            var ready = true;
            foreach (var check in checks())
            {
                string? problem;
                try
                {
                    using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                    timeout.CancelAfter(ProbeTimeout);
                    problem = await check.Probe(timeout.Token);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    problem = e is OperationCanceledException ? $"no answer within {ProbeTimeout.TotalSeconds:0} s" : e.Message;
                }

                ready &= problem is null;
                results.Add(new { name = check.Name, ok = problem is null, reason = problem });
            }

            return Results.Json(new { status = ready ? "ready" : "not ready", checks = results }, (JsonSerializerOptions?)null, null, ready ? 200 : 503);
        });
        app.MapGet("/metrics", async (HttpContext http) =>
        {
            http.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8"; // the Prometheus text exposition format
            await Metrics.DefaultRegistry.CollectAndExportAsTextAsync(http.Response.Body, http.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        context.Logger.LogInformation("Diagnostics (healthz, readyz, metrics) on http://{Address}", listen);
        return new DiagnosticsServer(app, adapter);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        _adapter.Dispose();
    }
}
