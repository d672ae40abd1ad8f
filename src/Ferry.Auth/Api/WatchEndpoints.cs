using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Ferry.Core.Locks;
using Ferry.Auth.Apps;
using Ferry.Auth.Web;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ferry.Hosting.Callers;

namespace Ferry.Auth.Api;

/// <summary>
/// GET /v1/watch?prefix=/app_sessions/ — the storage change feed as newline-delimited JSON, for the caches of
/// proxies and agents. Only cluster components may watch, and only the prefixes their caches need.
/// </summary>
internal static class WatchEndpoints
{
    private static readonly Dictionary<string, string[]> AllowedPrefixes = new(StringComparer.Ordinal)
    {
        [SystemRoles.Proxy] = [AppSessionService.KeyPrefix, "/roles/", "/app_servers/", WebSessionService.Prefix, LockKeys.LockPrefix, LockKeys.RevocationPrefix],
        [SystemRoles.App] = ["/roles/", LockKeys.LockPrefix, LockKeys.RevocationPrefix, ProxyHeartbeat.Prefix],
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
            await foreach (var watchEvent in WithPingsAsync(api.Server.Backend.WatchAsync(prefixes, ct), ct))
            {
                await http.Response.Body.WriteAsync(JsonSerializer.SerializeToUtf8Bytes(watchEvent, ApiJson.Options), ct);
                await http.Response.Body.WriteAsync("\n"u8.ToArray(), ct);
                await http.Response.Body.FlushAsync(ct);
            }
        });
    }

    /// <summary>
    /// The backend's changes as wire events, with a ping whenever the feed has been idle for
    /// <see cref="WatchTiming.PingInterval"/>: watchers judge their cache stale when they hear nothing at all.
    /// </summary>
    private static async IAsyncEnumerable<WatchEvent> WithPingsAsync(IAsyncEnumerable<BackendEvent> changes, [EnumeratorCancellation] CancellationToken ct)
    {
        var channel = Channel.CreateBounded<WatchEvent>(new BoundedChannelOptions(1024) { SingleReader = true, SingleWriter = true });
        var pump = Task.Run(async () =>
        {
            try
            {
                await foreach (var change in changes.WithCancellation(ct))
                {
                    await channel.Writer.WriteAsync(new WatchEvent
                    {
                        Type = change.Type.ToString().ToLowerInvariant(),
                        Key = change.Type == BackendEventType.Init ? null : change.Item.Key,
                        Value = change.Type == BackendEventType.Put ? JsonDocument.Parse(change.Item.Value).RootElement.Clone() : null,
                    }, ct);
                }

                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, ct);

        var ping = new WatchEvent { Type = "ping" };
        while (true)
        {
            using var idle = CancellationTokenSource.CreateLinkedTokenSource(ct);
            idle.CancelAfter(WatchTiming.PingInterval);
            WatchEvent next;
            try
            {
                if (!await channel.Reader.WaitToReadAsync(idle.Token))
                {
                    break;
                }

                if (!channel.Reader.TryRead(out next!))
                {
                    continue;
                }
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                next = ping;
            }

            yield return next;
        }

        await pump;
    }
}
