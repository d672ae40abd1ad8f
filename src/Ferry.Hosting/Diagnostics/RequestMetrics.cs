using System.Diagnostics;
using Ferry.Core.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Hosting.Diagnostics;

/// <summary>
/// Requests by server, route and status for /metrics. The route is the endpoint's pattern (never the path: paths hold
/// names and signup tokens); app traffic, the tunnel and browsers on app hosts never reach an endpoint and count as
/// "(app)".
/// </summary>
public static class RequestMetrics
{
    public static async Task MeasureAsync(HttpContext context, RequestDelegate next, string server)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(app)";
            FerryMetrics.HttpRequestDuration.Record(
                Stopwatch.GetElapsedTime(started).TotalSeconds,
                new KeyValuePair<string, object?>("server", server),
                new KeyValuePair<string, object?>("route", route),
                new KeyValuePair<string, object?>("status", context.Response.StatusCode));
        }
    }
}
