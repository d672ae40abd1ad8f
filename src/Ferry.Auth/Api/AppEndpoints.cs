using System.Text.Json;
using Ferry.Core.Api;
using Ferry.Core.Apps;
using Ferry.Core.Errors;
using Ferry.Core.Rbac;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ferry.Hosting.Callers;

namespace Ferry.Auth.Api;

/// <summary>Apps, app servers (agent heartbeats) and app sessions.</summary>
internal static class AppEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        // Users see the apps their roles match, each with the IAM roles they may pick; cluster components see all.
        v1.MapGet("/apps", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            var servers = await server.AppServers.ListAsync(ct);
            var apps = servers.GroupBy(s => s.Spec.App.Name, StringComparer.Ordinal).Select(g => (App: g.First().Spec.App, Count: g.Count())).OrderBy(a => a.App.Name, StringComparer.Ordinal);
            RoleSet? roleSet = null;
            if (!caller.Identity.IsHost)
            {
                roleSet = await server.Roles.RoleSetAsync(caller.Identity.Roles, caller.Identity.Traits, ct);
            }

            var result = new List<AppInfo>();
            foreach (var (app, count) in apps)
            {
                if (roleSet is not null && !roleSet.CanSeeApp(app))
                {
                    continue;
                }

                result.Add(new AppInfo
                {
                    App = JsonDocument.Parse(ResourceJson.SerializeToUtf8Bytes(app)).RootElement.Clone(),
                    AwsConsole = AwsConsole.IsAwsApp(app),
                    AwsRoles = roleSet is null || !AwsConsole.IsAwsApp(app) ? [] : AwsRoles(roleSet, app),
                    Servers = count,
                });
            }

            return ApiResults.Json(result);
        });

        v1.MapGet("/app_servers", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            if (!caller.Identity.HasSystemRole(SystemRoles.Proxy))
            {
                // Proxies authorise app traffic against these definitions; everyone else needs the rule.
                await api.Authz.RequireRuleAsync(caller, ResourceKinds.AppServer, Verbs.List, ct);
            }

            var servers = await server.AppServers.ListAsync(ct);
            return ApiResults.RawJson(ApiResults.JsonArray(servers.Select(s => ResourceJson.SerializeToUtf8Bytes(s))));
        });

        v1.MapPut("/app_servers", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.App);
            var heartbeat = ResourceJson.Deserialize<AppServer>(await AuthApi.ReadBodyAsync(http.Request, ct));
            // The host id is the caller's certificate's; whatever the body says about it is ignored.
            var stored = await server.AppServers.HeartbeatAsync(heartbeat, caller.Identity.Username, ct);
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(stored));
        });

        v1.MapDelete("/app_servers/{app}", async (HttpContext http, string app, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, SystemRoles.App);
            await server.AppServers.RemoveAsync(app, caller.Identity.Username, ct);
            return Results.NoContent();
        });

        v1.MapPost("/app_sessions", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireUser(caller);
            if (caller.Identity.RouteToApp is not null)
            {
                throw FerryException.AccessDenied("an app certificate cannot open another app session; use your login certificate");
            }

            var request = await AuthApi.ReadJsonAsync<CreateAppSessionRequest>(http.Request, ct);
            if (request.WebSessionId is not null && !caller.ViaProxy)
            {
                throw FerryException.AccessDenied("browser app sessions are started through the proxy's web UI");
            }

            return ApiResults.Json(await server.AppSessions.CreateAsync(caller.Identity, request, ct));
        });

        v1.MapPost("/app_sessions/exchange", async (HttpContext http, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), SystemRoles.Proxy);
            var request = await AuthApi.ReadJsonAsync<ExchangeAppSessionRequest>(http.Request, ct);
            return ApiResults.Json(await server.AppSessions.ExchangeAsync(request, ct));
        });

        v1.MapGet("/app_sessions", async (HttpContext http, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), SystemRoles.Proxy);
            return ApiResults.Json(await server.AppSessions.ListAsync(ct));
        });

        v1.MapGet("/app_sessions/{id}", async (HttpContext http, string id, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), SystemRoles.Proxy);
            return ApiResults.Json(await server.AppSessions.GetAsync(id, ct) ?? throw FerryException.NotFound($"app session {id} not found"));
        });

        v1.MapDelete("/app_sessions/{id}", async (HttpContext http, string id, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            var owner = caller.Identity.HasSystemRole(SystemRoles.Admin) ? null : caller.Identity.Username;
            if (caller.Identity.IsHost && owner is not null)
            {
                throw FerryException.AccessDenied("only users end their own app sessions");
            }

            return await server.AppSessions.DeleteAsync(id, owner, caller.Actor, ct)
                ? Results.NoContent()
                : throw FerryException.NotFound($"app session {id} not found");
        });
    }

    /// <summary>The IAM roles a user may pick for an app, sorted by role name like the web UI's picker.</summary>
    internal static IReadOnlyList<AwsRoleInfo> AwsRoles(RoleSet roleSet, App app) =>
        roleSet.AllowedAwsRoleArns(app)
            .Select(arn => AwsArn.TryParseRole(arn, out var parsed) ? parsed : null)
            .Where(parsed => parsed is not null)
            .Select(parsed => new AwsRoleInfo(parsed!.RoleName, parsed.DisplayName, parsed.Arn, parsed.AccountId))
            .OrderBy(r => r.Display, StringComparer.OrdinalIgnoreCase)
            .ThenBy(r => r.Arn, StringComparer.Ordinal)
            .ToList();
}
