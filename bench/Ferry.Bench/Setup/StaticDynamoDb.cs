using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ferry.Bench.Setup;

/// <summary>
/// The minimal upstream: plain HTTP/1.1 on 127.0.0.1, draining any body and answering every request with one fixed
/// GetItem response, checking nothing. It takes moto's Python out of the figures, so what remains is the client and Ferry.
/// </summary>
internal sealed class StaticDynamoDb : IAsyncDisposable
{
    private readonly WebApplication _app;
    private long _served;
    private List<(long Arrived, long Answered)>? _trace;

    private StaticDynamoDb(WebApplication app, int port)
    {
        _app = app;
        Endpoint = $"http://127.0.0.1:{port}";
    }

    public string Endpoint { get; }

    public long Served => Interlocked.Read(ref _served);

    public static async Task<StaticDynamoDb> StartAsync(string itemJson, CancellationToken cancellationToken)
    {
        var body = Encoding.UTF8.GetBytes("{\"Item\":" + itemJson + "}");
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = "Ferry.Bench.StaticDynamoDb" });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // it is also the sink of the 1 GiB upload
            kestrel.Listen(IPAddress.Loopback, 0);
        });
        var app = builder.Build();
        StaticDynamoDb? self = null;
        app.Run(async context =>
        {
            var arrived = System.Diagnostics.Stopwatch.GetTimestamp();
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            Interlocked.Increment(ref self!._served);
            var response = context.Response;
            response.ContentType = "application/x-amz-json-1.0";
            response.ContentLength = body.Length;
            response.Headers["x-amzn-RequestId"] = "FERRYBENCHSTATICUPSTREAM0000000000000000000000000000";
            await response.Body.WriteAsync(body, context.RequestAborted);
            await response.CompleteAsync();
            if (Volatile.Read(ref self._trace) is { } trace)
            {
                lock (trace)
                {
                    trace.Add((arrived, System.Diagnostics.Stopwatch.GetTimestamp()));
                }
            }
        });
        await app.StartAsync(cancellationToken);
        self = new StaticDynamoDb(app, new Uri(app.Urls.First()).Port);
        return self;
    }

    /// <summary>From now on, remembers when each request arrived and when its answer was handed to Kestrel.</summary>
    public void StartTrace() => Volatile.Write(ref _trace, []);

    public IReadOnlyList<(long Arrived, long Answered)> StopTrace()
    {
        var trace = Interlocked.Exchange(ref _trace, null) ?? [];
        lock (trace)
        {
            return [.. trace];
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
