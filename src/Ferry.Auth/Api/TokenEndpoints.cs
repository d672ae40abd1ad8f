using Ferry.Hosting;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ferry.Hosting.Callers;

namespace Ferry.Auth.Api;

internal static class TokenEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        // A token's value is its name and a secret: listing shows it only with with_secrets=true, which needs "read" too.
        v1.MapGet("/tokens", async (HttpContext http, bool? with_secrets, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.Token, Verbs.List, ct);
            if (with_secrets == true)
            {
                await api.Authz.RequireRuleAsync(caller, ResourceKinds.Token, Verbs.Read, ct);
            }

            var tokens = await server.Tokens.ListAsync(ct);
            return ApiResults.RawJson(ApiResults.JsonArray(tokens.Select(t => ResourceJson.SerializeToUtf8Bytes(with_secrets == true ? t : Redacted(t)))));
        });

        v1.MapPost("/tokens", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.Token, Verbs.Create, ct);
            var request = await AuthApi.ReadJsonAsync<CreateTokenRequest>(http.Request, ct);
            var ttl = request.TtlSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            var token = await server.Tokens.CreateAsync(request.Roles, ttl, request.Value, request.Labels, request.AppNames, caller.Actor, ct);
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

    /// <summary>The placeholder a listing without secrets shows instead of a token's value.</summary>
    public const string RedactedValue = "**********";

    private static ProvisionToken Redacted(ProvisionToken token) => token with { Metadata = token.Metadata with { Name = RedactedValue } };
}
