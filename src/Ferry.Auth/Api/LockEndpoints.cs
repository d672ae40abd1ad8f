using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Auth.Api;

/// <summary>Locks: tctl lock, tctl get locks, tctl create -f lock.yaml, tctl rm lock/NAME (rules on kind "lock").</summary>
internal static class LockEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        v1.MapGet("/locks", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            if (!caller.Identity.HasSystemRole(SystemRoles.Proxy) && !caller.Identity.HasSystemRole(SystemRoles.App))
            {
                // Proxies and agents enforce locks, so they read them all; everyone else needs the rule.
                await api.Authz.RequireRuleAsync(caller, ResourceKinds.Lock, Verbs.List, ct);
            }

            var locks = await server.Locks.ListAsync(ct);
            return ApiResults.RawJson(ApiResults.JsonArray(locks.Select(l => ResourceJson.SerializeToUtf8Bytes(l))));
        });

        v1.MapGet("/locks/{name}", async (HttpContext http, string name, CancellationToken ct) =>
        {
            await api.Authz.RequireRuleAsync(api.Caller(http), ResourceKinds.Lock, Verbs.Read, ct);
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(await server.Locks.GetAsync(name, ct)));
        });

        v1.MapPut("/locks", async (HttpContext http, bool? force, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireCreateAsync(caller, ResourceKinds.Lock, force == true, ct);
            var requested = ResourceJson.Deserialize<AccessLock>(await AuthApi.ReadBodyAsync(http.Request, ct));
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(await server.Locks.UpsertAsync(requested, force == true, caller.Actor, ct)));
        });

        // Proxies and agents refuse certificates issued before a user was deleted or reset.
        v1.MapGet("/revocations", async (HttpContext http, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), SystemRoles.Proxy, SystemRoles.App);
            return ApiResults.Json(await server.Locks.ListRevocationsAsync(ct));
        });

        v1.MapDelete("/locks/{name}", async (HttpContext http, string name, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.Lock, Verbs.Delete, ct);
            await server.Locks.DeleteAsync(name, caller.Actor, ct);
            return Results.NoContent();
        });
    }
}
