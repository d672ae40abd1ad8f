using Ferry.Hosting;
using Ferry.Core;
using Ferry.Core.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Ferry.Hosting.Callers;

namespace Ferry.Auth.Api;

/// <summary>Cluster facts, logins, signups and joins (the last three only through a proxy).</summary>
internal static class ClusterEndpoints
{
    public static void Map(RouteGroupBuilder v1, ApiContext api)
    {
        var server = api.Server;

        v1.MapGet("/status", async (HttpContext http, CancellationToken ct) =>
        {
            api.Caller(http);
            return ApiResults.Json(new StatusResponse
            {
                ClusterName = server.ClusterName,
                Version = FerryVersion.Current,
                CaPin = server.Issuer.Authorities.Host.Pin,
                SecondFactor = server.Options.SecondFactor.ToString().ToLowerInvariant(),
                ProxyPublicAddr = await server.Hosts.ProxyPublicAddrAsync(ct),
                HostCaExpires = server.Issuer.Authorities.Host.Certificate.NotAfter.ToUniversalTime(),
                UserCaExpires = server.Issuer.Authorities.User.Certificate.NotAfter.ToUniversalTime(),
            });
        });

        // Public: a host that is about to join (a separate proxy) checks them against its ca_pin first.
        v1.MapGet("/cas", () => ApiResults.Json(CaResponse(server)));

        v1.MapPost("/login", async (HttpContext http, CancellationToken ct) =>
        {
            var caller = api.Caller(http);
            Authz.RequireSystemRole(caller, Core.Resources.SystemRoles.Proxy);
            var request = await AuthApi.ReadJsonAsync<LoginRequest>(http.Request, ct);
            return ApiResults.Json(await server.Login.LoginAsync(request, caller.RemoteAddr, ct));
        });

        v1.MapGet("/signup/{token}", async (HttpContext http, string token, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), Core.Resources.SystemRoles.Proxy);
            var info = await server.Users.GetSignupAsync(token, ct);
            return ApiResults.Json(new SignupInfoResponse
            {
                User = info.User,
                Kind = info.Kind.ToString().ToLowerInvariant(),
                Expires = info.Expires,
                OtpRequired = info.OtpRequired,
                OtpUri = info.OtpUri,
                OtpSecret = info.OtpSecret,
            });
        });

        v1.MapPost("/signup/{token}", async (HttpContext http, string token, CancellationToken ct) =>
        {
            Authz.RequireSystemRole(api.Caller(http), Core.Resources.SystemRoles.Proxy);
            var request = await AuthApi.ReadJsonAsync<CompleteSignupRequest>(http.Request, ct);
            var user = await server.Users.CompleteSignupAsync(token, request.Password, request.OtpCode, ct);
            return ApiResults.Json(new CompleteSignupResponse { User = user });
        });

        // Agents join through a proxy's /v1/webapi/join (the proxy relays as itself and reports their address); a separate
        // proxy joins here directly, without a certificate yet. The token is the credential either way.
        v1.MapPost("/join", async (HttpContext http, CancellationToken ct) =>
        {
            var check = api.Callers.Check(http);
            if (check.Refusal is not null)
            {
                throw check.Refusal;
            }

            var caller = check.Caller;
            if (caller is not null)
            {
                Authz.RequireSystemRole(caller, Core.Resources.SystemRoles.Proxy);
            }

            var request = await AuthApi.ReadJsonAsync<JoinRequest>(http.Request, ct);
            return ApiResults.Json(await server.Hosts.JoinAsync(request, caller?.RemoteAddr ?? http.Connection.RemoteIpAddress?.ToString(), ct));
        });
    }

    public static CaResponse CaResponse(AuthServer server) => new()
    {
        ClusterName = server.ClusterName,
        UserCaPem = server.Issuer.Authorities.User.CertificatePem,
        HostCaPem = server.Issuer.Authorities.Host.CertificatePem,
        CaPin = server.Issuer.Authorities.Host.Pin,
    };
}
