using Ferry.Hosting;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ferry.Hosting.Callers;

namespace Ferry.Auth.Api;

internal static class RoleEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        v1.MapGet("/roles", async (HttpContext http, CancellationToken ct) =>
        {
            await AuthorizeReadAsync(api, http, Verbs.List, ct);
            var roles = await server.Roles.ListAsync(ct);
            return ApiResults.RawJson(ApiResults.JsonArray(roles.Select(r => ResourceJson.SerializeToUtf8Bytes(r))));
        });

        v1.MapGet("/roles/{name}", async (HttpContext http, string name, CancellationToken ct) =>
        {
            await AuthorizeReadAsync(api, http, Verbs.Read, ct);
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(await server.Roles.GetAsync(name, ct)));
        });

        v1.MapPost("/roles", async (HttpContext http, bool? force, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireCreateAsync(caller, ResourceKinds.Role, force == true, ct);

            var role = ResourceJson.Deserialize<Role>(await AuthApi.ReadBodyAsync(http.Request, ct));
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(await server.Roles.CreateAsync(role, force == true, caller.Actor, ct)));
        });

        v1.MapDelete("/roles/{name}", async (HttpContext http, string name, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.Role, Verbs.Delete, ct);
            await server.Roles.DeleteAsync(name, caller.Actor, ct);
            return Results.NoContent();
        });
    }

    /// <summary>App agents read roles to re-authorise every request themselves.</summary>
    private static async ValueTask AuthorizeReadAsync(ApiContext api, HttpContext http, string verb, CancellationToken ct)
    {
        var caller = api.Caller(http);
        if (caller.Identity.HasSystemRole(SystemRoles.App) || caller.Identity.HasSystemRole(SystemRoles.Proxy))
        {
            return;
        }

        await api.Authz.RequireRuleAsync(caller, ResourceKinds.Role, verb, ct);
    }
}
