using Ferry.Hosting;
using System.Globalization;
using Ferry.Auth.Audit;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ferry.Hosting.Callers;

namespace Ferry.Auth.Api;

internal static class AuditEndpoints
{
    private const int MaxLimit = 10_000;

    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        // GET /v1/events?since=RFC3339&until=RFC3339&type=a&type=b&user=alice&limit=100
        v1.MapGet("/events", async (HttpContext http, CancellationToken ct) =>
        {
            await api.Authz.RequireRuleAsync(api.Caller(http), ResourceKinds.Event, Verbs.List, ct);
            var query = http.Request.Query;
            var limit = query.TryGetValue("limit", out var l) && int.TryParse(l, CultureInfo.InvariantCulture, out var n) ? n : 500;
            if (limit is < 1 or > MaxLimit)
            {
                throw FerryException.BadParameter($"limit must be between 1 and {MaxLimit}");
            }

            var events = await server.Audit.SearchAsync(
                new AuditQuery
                {
                    Since = ParseTime(query["since"], "since"),
                    Until = ParseTime(query["until"], "until"),
                    Types = query["type"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList(),
                    User = string.IsNullOrEmpty(query["user"]) ? null : query["user"].ToString(),
                    Limit = limit,
                },
                ct);
            return ApiResults.Json(events);
        });

        // Agents and proxies report what they saw (per-request AWS events, auth failures at the proxy).
        v1.MapPost("/events", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.App, SystemRoles.Proxy);
            var events = await System.Text.Json.Nodes.JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as System.Text.Json.Nodes.JsonArray
                ?? throw FerryException.BadParameter("expected a JSON array of audit events");
            await server.Audit.EmitReportedAsync(events, caller.Identity.Username, ct);

            return Results.NoContent();
        });
    }

    private static DateTimeOffset? ParseTime(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time)
            ? time
            : throw FerryException.BadParameter($"{name} must be an RFC 3339 time such as 2026-11-25T10:00:00Z");
    }
}
