using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Auth.Api;

/// <summary>
/// SSO connectors, one route set per kind (<c>/v1/connectors/github</c>, <c>/oidc</c>, <c>/saml</c>) with rules on that
/// kind: tctl get github/NAME [--with-secrets], tctl create -f github.yaml, tctl rm github/NAME. Secrets (client
/// secrets, SAML private keys) are sent only with with_secrets=true, which needs "read" besides "list", as tokens do.
/// </summary>
internal static class ConnectorEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        foreach (var kind in ResourceKinds.Connectors)
        {
            MapKind(v1, api, kind);
        }
    }

    private static void MapKind(RouteGroupBuilder v1, ApiContext api, string kind)
    {
        var connectors = api.Server.Connectors;

        v1.MapGet($"/connectors/{kind}", async (HttpContext http, bool? with_secrets, CancellationToken ct) =>
        {
            var withSecrets = await AuthorizeReadAsync(api, http, kind, with_secrets, ct);
            var list = await connectors.ListAsync(kind, ct);
            return ApiResults.RawJson(ApiResults.JsonArray(list.Select(c => ResourceJson.SerializeToUtf8Bytes(withSecrets ? c : c.WithoutSecrets()))));
        });

        v1.MapGet($"/connectors/{kind}/{{name}}", async (HttpContext http, string name, bool? with_secrets, CancellationToken ct) =>
        {
            var withSecrets = await AuthorizeReadAsync(api, http, kind, with_secrets, ct);
            var connector = await connectors.GetAsync(kind, name, ct);
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(withSecrets ? connector : connector.WithoutSecrets()));
        });

        v1.MapPut($"/connectors/{kind}", async (HttpContext http, bool? force, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireCreateAsync(caller, kind, force == true, ct);
            var connector = ResourceJson.Deserialize<IAuthConnector>(await AuthApi.ReadBodyAsync(http.Request, ct));
            if (connector.ResourceKind != kind)
            {
                // The rules checked are this route's kind's; another kind must go through its own route.
                throw FerryException.BadParameter($"expected a {kind} connector, got kind \"{connector.ResourceKind}\"");
            }

            var stored = await connectors.UpsertAsync(connector, force == true, caller.Actor, ct);
            return ApiResults.RawJson(ResourceJson.SerializeToUtf8Bytes(stored.WithoutSecrets()));
        });

        v1.MapDelete($"/connectors/{kind}/{{name}}", async (HttpContext http, string name, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            await api.Authz.RequireRuleAsync(caller, kind, Verbs.Delete, ct);
            await connectors.DeleteAsync(kind, name, caller.Actor, ct);
            return Results.NoContent();
        });
    }

    /// <summary>"list" shows connectors without their secrets; with_secrets=true needs "read" as well.</summary>
    private static async ValueTask<bool> AuthorizeReadAsync(ApiContext api, HttpContext http, string kind, bool? withSecrets, CancellationToken ct)
    {
        var caller = api.Caller(http);
        await api.Authz.RequireRuleAsync(caller, kind, Verbs.List, ct);
        if (withSecrets == true)
        {
            await api.Authz.RequireRuleAsync(caller, kind, Verbs.Read, ct);
        }

        return withSecrets == true;
    }
}
