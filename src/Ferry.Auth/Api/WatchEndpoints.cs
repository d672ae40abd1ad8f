using System.Text.Json;
using Ferry.Auth.Apps;
using Ferry.Auth.Web;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Auth.Api;

/// <summary>
/// GET /v1/watch?prefix=/app_sessions/ — the storage change feed as newline-delimited JSON, for the caches of
/// proxies and agents. Only cluster components may watch, and only the prefixes their caches need.
/// </summary>
internal static class WatchEndpoints
{
    private static readonly Dictionary<string, string[]> AllowedPrefixes = new(StringComparer.Ordinal)
    {
        [SystemRoles.Proxy] = [AppSessionService.KeyPrefix, "/roles/", "/app_servers/", WebSessionService.Prefix],
        [SystemRoles.App] = ["/roles/"],
    };

    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        v1.MapGet("/watch", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            var prefixes = http.Request.Query["prefix"].Where(p => !string.IsNullOrEmpty(p)).Select(p => p!).ToList();
            var allowed = caller.Identity.HasSystemRole(SystemRoles.Admin)
                ? null
                : AllowedPrefixes.Where(a => caller.Identity.HasSystemRole(a.Key)).SelectMany(a => a.Value).ToHashSet(StringComparer.Ordinal);
            if (prefixes.Count == 0 || (allowed is not null && prefixes.Any(p => !allowed.Contains(p))))
            {
                throw FerryException.AccessDenied("watch needs one or more prefixes your component may read");
            }

            http.Response.ContentType = "application/x-ndjson";
            await http.Response.StartAsync(ct);
            await foreach (var change in api.Server.Backend.WatchAsync(prefixes, ct))
            {
                var watchEvent = new WatchEvent
                {
                    Type = change.Type.ToString().ToLowerInvariant(),
                    Key = change.Type == BackendEventType.Init ? null : change.Item.Key,
                    Value = change.Type == BackendEventType.Put ? JsonDocument.Parse(change.Item.Value).RootElement.Clone() : null,
                };
                await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(watchEvent, ApiJson.Options), ct);
                await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
                await http.Response.Body.FlushAsync(ct);
            }
        });
    }
}
