using Ferry.Hosting;
using System.Globalization;
using Ferry.Storage.Audit;
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
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        // GET /v1/events?since=RFC3339&until=RFC3339&type=a&type=b&user=alice&service=s3&operation=PutObject&limit=100&cursor=...
        // One page, newest first: {"events": [...], "next_cursor": "..." or null}. Filters and limit run in storage.
        // service and operation repeat like type (any of them); a service matches whatever its case, an operation exactly.
        v1.MapGet("/events", async (HttpContext http, CancellationToken ct) =>
        {
            await api.Authz.RequireRuleAsync(api.Caller(http), ResourceKinds.Event, Verbs.List, ct);
            var query = http.Request.Query;
            var limit = AuditQuery.DefaultLimit;
            if (!string.IsNullOrEmpty(query["limit"]) && !int.TryParse(query["limit"], NumberStyles.None, CultureInfo.InvariantCulture, out limit))
            {
                throw FerryException.BadParameter($"limit must be a number between 1 and {AuditQuery.MaxLimit}");
            }

            var page = await server.Audit.SearchAsync(
                new AuditQuery
                {
                    From = ParseTime(query["since"], "since"),
                    To = ParseTime(query["until"], "until"),
                    Types = query["type"].Where(t => !string.IsNullOrEmpty(t)).Select(t => t!).ToList(),
                    User = string.IsNullOrEmpty(query["user"]) ? null : query["user"].ToString(),
                    Services = query["service"].Select(s => AwsAuditFilters.Service(s, "the service parameter")).Distinct(StringComparer.Ordinal).ToList(),
                    Operations = query["operation"].Select(o => AwsAuditFilters.Operation(o, "the operation parameter")).Distinct(StringComparer.Ordinal).ToList(),
                    Limit = limit,
                    Cursor = string.IsNullOrEmpty(query["cursor"]) ? null : query["cursor"].ToString(),
                },
                ct);
            return ApiResults.Json(page);
        });

        // Agents and proxies report what they saw (per-request AWS events, auth failures at the proxy), each only the
        // types its system role may emit; auth stamps time, id, server and cluster (AuditLog.EmitReportedAsync).
        v1.MapPost("/events", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.App, SystemRoles.Proxy);
            var events = await System.Text.Json.Nodes.JsonNode.ParseAsync(http.Request.Body, cancellationToken: ct) as System.Text.Json.Nodes.JsonArray
                ?? throw FerryException.BadParameter("expected a JSON array of audit events");
            await server.Audit.EmitReportedAsync(events, caller.Identity.Username, caller.Identity.Roles, ct);

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
