using Ferry.Hosting;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Auth.Api;

internal static class TokenEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        v1.MapGet("/tokens", async (HttpContext http, CancellationToken ct) =>
        {
            await api.Authz.RequireRuleAsync(api.Caller(http), ResourceKinds.Token, Verbs.List, ct);
            var tokens = await server.Tokens.ListAsync(ct);
            return ApiResults.RawJson(ApiResults.JsonArray(tokens.Select(t => ResourceJson.SerializeToUtf8Bytes(t))));
        });

        v1.MapPost("/tokens", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.Token, Verbs.Create, ct);
            var request = await AuthApi.ReadJsonAsync<CreateTokenRequest>(http.Request, ct);
            var ttl = request.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            var token = await server.Tokens.CreateAsync(request.Roles, ttl, request.Value, request.Labels, caller.Actor, ct);
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(token));
        });

        v1.MapPut("/tokens", async (HttpContext http, bool? force, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireCreateAsync(caller, ResourceKinds.Token, force == true, ct);

            var token = ResourceJson.Deserialize<ProvisionToken>(await AuthApi.ReadBodyAsync(http.Request, ct));
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(await server.Tokens.UpsertAsync(token, force == true, caller.Actor, ct)));
        });

        v1.MapDelete("/tokens/{name}", async (HttpContext http, string name, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.Token, Verbs.Delete, ct);
            await server.Tokens.DeleteAsync(name, caller.Actor, ct);
            return Results.NoContent();
        });
    }
}
