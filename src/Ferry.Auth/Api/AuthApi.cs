using Ferry.Core.Api;
using Ferry.Core.Resources;
using Ferry.Hosting.Callers;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Auth.Api;

/// <summary>
/// The auth API (mTLS, JSON under /v1). Each endpoint is thin: resolve the caller → authorise → call the
/// service → answer. Services emit the audit events. Grouped by noun in the files beside this one.
/// </summary>
public static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder app, AuthServer server)
    {
        var callers = new CallerAuthenticator(server.Verifier, server.LockIndex);
        var authz = new Authz(server);
        var context = new ApiContext(server, callers, authz);
        var v1 = app.MapGroup("/v1");
        ClusterEndpoints.Map(v1, context);
        RoleEndpoints.Map(v1, context);
        UserEndpoints.Map(v1, context);
        TokenEndpoints.Map(v1, context);
        AuditEndpoints.Map(v1, context);
        AppEndpoints.Map(v1, context);
        WatchEndpoints.Map(v1, context);
        WebSessionEndpoints.Map(v1, context);
        LockEndpoints.Map(v1, context);
        ConnectorEndpoints.Map(v1, context);
        SsoEndpoints.Map(v1, context);
        HostEndpoints.Map(v1, context);
        ProxyEndpoints.Map(v1, context);
        return app;
    }

    internal static async Task<T> ReadJsonAsync<T>(HttpRequest request, CancellationToken cancellationToken)
    {
        var value = await request.ReadFromJsonAsync<T>(ApiJson.Options, cancellationToken);
        return value ?? throw Ferry.Core.Errors.FerryException.BadParameter("the request body is empty; send a JSON object");
    }

    internal static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.ToArray();
    }
}

/// <summary>What every endpoint group needs.</summary>
internal sealed record ApiContext(AuthServer Server, CallerAuthenticator Callers, Authz Authz)
{
    /// <summary>The verified caller, refused when locked or revoked (the one caller rule: <see cref="CallerAuthenticator"/>).</summary>
    public Caller Caller(HttpContext http) => Callers.Authenticate(http);
}
