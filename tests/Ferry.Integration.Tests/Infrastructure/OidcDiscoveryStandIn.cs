using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// An OIDC issuer that publishes its discovery document and signing keys on loopback and nothing else: enough for
/// `tctl create` of an oidc connector, which reads them (docs/sso.md). Logins against a real provider are tested in
/// tests/Ferry.Web.Tests/Sso.
/// </summary>
internal sealed class OidcDiscoveryStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OidcDiscoveryStandIn(WebApplication app, string issuer)
    {
        _app = app;
        Issuer = issuer;
    }

    public string Issuer { get; }

    public static async Task<OidcDiscoveryStandIn> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        using var key = RSA.Create(2048);
        var parameters = key.ExportParameters(false);
        string? issuer = null;
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = issuer!,
            ["authorization_endpoint"] = issuer + "/authorize",
            ["token_endpoint"] = issuer + "/token",
            ["jwks_uri"] = issuer + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
        }));
        app.MapGet("/jwks", () => Results.Json(new
        {
            keys = new[] { new { kty = "RSA", kid = "k1", use = "sig", alg = "RS256", n = Base64Url.EncodeToString(parameters.Modulus), e = Base64Url.EncodeToString(parameters.Exponent) } },
        }));
        await app.StartAsync();
        issuer = app.Urls.First().TrimEnd('/');
        return new OidcDiscoveryStandIn(app, issuer);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
