using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace Ferry.Core.Diagnostics;

/// <summary>
/// Ferry's own instruments (System.Diagnostics.Metrics), exported on teleport.diag_addr's /metrics in the Prometheus
/// text format (docs/deploy-ha.md lists them), beside the runtime's and the process's own. Observed values (tunnels, cache age, audit queues) are read from the live objects that
/// registered with <see cref="Observe"/> at each scrape, so a scrape costs nothing on request paths.
/// </summary>
public static class FerryMetrics
{
    public const string MeterName = "Ferry";

    public static readonly Meter Meter = new(MeterName, FerryVersion.Current);

    /// <summary>Every request of the auth and proxy listeners, by server, route pattern and status.</summary>
    public static readonly Histogram<double> HttpRequestDuration = Meter.CreateHistogram<double>(
        "http.request.duration", "s", "Duration of API requests, by server (auth, proxy), route and status");

    /// <summary>One app (AWS) request as the hop that ended it saw it: component (proxy, agent), AWS service, outcome.</summary>
    public static readonly Histogram<double> AppRequestDuration = Meter.CreateHistogram<double>(
        "app.request.duration", "s", "Duration of app (AWS) requests, by component, AWS service and outcome");

    /// <summary>Storage operations of auth (get, put, range, atomic write, ...), by engine and operation.</summary>
    public static readonly Histogram<double> BackendDuration = Meter.CreateHistogram<double>(
        "backend.operation.duration", "s", "Duration of storage operations, by engine, operation and outcome");

    private static readonly ConcurrentDictionary<object, Func<IEnumerable<Measurement<double>>>> Gauges = new();

    static FerryMetrics()
    {
        Meter.CreateObservableGauge("state", () => Gauges.Values.SelectMany(read => read()),
            description: "Live state: tunnels, cache age and staleness, audit queue depth (see the 'what' tag)");
    }

    /// <summary>Adds live measurements (each tagged with "what") until the returned handle is disposed.</summary>
    public static IDisposable Observe(Func<IEnumerable<Measurement<double>>> read)
    {
        var key = new object();
        Gauges[key] = read;
        return new Registration(key);
    }

    public static Measurement<double> State(string what, double value, params KeyValuePair<string, object?>[] tags) =>
        new(value, [new("what", what), .. tags]);

    private sealed class Registration(object key) : IDisposable
    {
        public void Dispose() => Gauges.TryRemove(key, out _);
    }
}
