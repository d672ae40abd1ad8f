using Ferry.Hosting;
using System.Text.Json;
using Ferry.Core.Api;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ferry.Hosting.Callers;
using Ferry.Auth.Users;

namespace Ferry.Auth.Api;

internal static class UserEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        v1.MapGet("/users", async (HttpContext http, CancellationToken ct) =>
        {
            await api.Authz.RequireRuleAsync(api.Caller(http), ResourceKinds.User, Verbs.List, ct);
            var users = await server.Users.ListAsync(ct);
            return ApiResults.RawJson(ApiResults.JsonArray(users.Select(u => ResourceJson.SerializeToUtf8Bytes(u))));
        });

        v1.MapGet("/users/{name}", async (HttpContext http, string name, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            // Everyone may read their own user resource (tctl get users/$(tsh status ...) in the guide) with their login
            // certificate; an app certificate reaches its app and nothing else, so it goes through the rule (and is refused).
            if (caller.Identity.IsHost || caller.Identity.RouteToApp is not null || caller.Identity.Username != name)
            {
                await api.Authz.RequireRuleAsync(caller, ResourceKinds.User, Verbs.Read, ct);
            }

            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(await server.Users.GetAsync(name, ct)));
        });

        v1.MapPost("/users", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.User, Verbs.Create, ct);
            var request = await AuthApi.ReadJsonAsync<CreateUserRequest>(http.Request, ct);
            var user = ResourceJson.Deserialize<User>(JsonSerializer.SerializeToUtf8Bytes(request.User));
            var result = await server.Users.CreateAsync(user, request.Password, caller.Actor, ct);
            return ApiResults.Json(new CreateUserResponse
            {
                User = JsonSerializer.SerializeToElement(JsonDocument.Parse(ResourceJson.SerializeToUtf8Bytes(result.User)).RootElement),
                SignupUrl = result.Signup is null ? null : UserService.SignupUrl(result.Signup, await server.Hosts.ProxyPublicAddrAsync(ct)),
                SignupExpires = result.Signup?.Expires,
                OtpUri = result.OtpUri,
            });
        });

        v1.MapPut("/users/{name}", async (HttpContext http, string name, bool? force, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.User, Verbs.Update, ct);
            var user = ResourceJson.Deserialize<User>(await AuthApi.ReadBodyAsync(http.Request, ct));
            if (user.Name != name)
            {
                throw Core.Errors.FerryException.BadParameter($"the body names user \"{user.Name}\" but the path names \"{name}\"");
            }

            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(await server.Users.PutAsync(user, force == true, caller.Actor, ct)));
        });

        v1.MapMethods("/users/{name}", ["PATCH"], async (HttpContext http, string name, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.User, Verbs.Update, ct);
            var request = await AuthApi.ReadJsonAsync<UpdateUserRequest>(http.Request, ct);
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(await server.Users.UpdateAsync(name, request.Roles, request.Traits, caller.Actor, ct)));
        });

        v1.MapDelete("/users/{name}", async (HttpContext http, string name, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.User, Verbs.Delete, ct);
            await server.Users.GetAsync(name, ct); // not found → 404 before anything is revoked
            await server.Locks.EndUserAsync(name, "deleted", ct);
            await server.Users.DeleteAsync(name, caller.Actor, ct);
            return Results.NoContent();
        });

        v1.MapPost("/users/{name}/reset", async (HttpContext http, string name, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, ResourceKinds.User, Verbs.Update, ct);
            await server.Users.GetAsync(name, ct);
            await server.Locks.EndUserAsync(name, "reset", ct);
            var token = await server.Users.ResetAsync(name, caller.Actor, ct);
            return ApiResults.Json(new ResetUserResponse { SignupUrl = UserService.SignupUrl(token, await server.Hosts.ProxyPublicAddrAsync(ct)), Expires = token.Expires });
        });
    }
}
