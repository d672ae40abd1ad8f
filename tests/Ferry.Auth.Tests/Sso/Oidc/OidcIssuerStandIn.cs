using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Ferry.Auth.Tests.Sso.Oidc;

/// <summary>
/// An OpenID Connect issuer on loopback that speaks the real wire format (discovery, JWKS, token and userinfo endpoints,
/// RS256 ID tokens) and can be told to misbehave the ways an attacker or a broken provider would: a tampered or
/// re-signed token, another audience or issuer, a wrong nonce, an expired token, a userinfo answer about someone else.
/// It checks what it receives: client credentials (Basic), the one-time code, redirect_uri and the PKCE verifier (S256).
/// The real provider (npm oidc-provider) is driven end to end in tests/Ferry.Web.Tests/Sso.
/// </summary>
internal sealed class OidcIssuerStandIn : IAsyncDisposable
{
    public const string ClientId = "ferry";
    public const string ClientSecret = "oidc-client-secret";

    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "key-1" };
    private readonly ConcurrentDictionary<string, PendingCode> _codes = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    private OidcIssuerStandIn(WebApplication app, TimeProvider time)
    {
        _app = app;
        _time = time;
    }

    public string Issuer { get; private set; } = "";

    /// <summary>The user's claims (besides iss, aud, exp, iat, nonce, sub).</summary>
    public Dictionary<string, object> UserClaims { get; } = new(StringComparer.Ordinal)
    {
        ["email"] = "alice@example.com",
        ["groups"] = new[] { "admins", "dev-ops" },
        ["aws_role_arns"] = new[] { "arn:aws:iam::123456789012:role/FromIdp" },
    };

    public string Subject { get; set; } = "user-0001";

    /// <summary>Changes the ID token's claims before signing (another audience, nonce, issuer, expiry ...).</summary>
    public Action<Dictionary<string, object>>? AlterClaims { get; set; }

    /// <summary>Changes the signed compact token (tampering after signing).</summary>
    public Func<string, string>? AlterToken { get; set; }

    /// <summary>The sub the userinfo endpoint answers with (the token's when null).</summary>
    public string? UserInfoSubject { get; set; }

    /// <summary>Signs with another key than the one the JWKS publishes.</summary>
    public bool SignWithForeignKey { get; set; }

    public int TokenRequests;
    public string? LastCodeChallengeMethod { get; private set; }

    public static async Task<OidcIssuerStandIn> StartAsync(TimeProvider time)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var issuer = new OidcIssuerStandIn(app, time);
        issuer.Map(app);
        await app.StartAsync();
        issuer.Issuer = app.Urls.First().TrimEnd('/');
        return issuer;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = Issuer + "/authorize",
            ["token_endpoint"] = Issuer + "/token",
            ["userinfo_endpoint"] = Issuer + "/userinfo",
            ["jwks_uri"] = Issuer + "/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_basic" },
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(new RsaSecurityKey(_key.Rsa.ExportParameters(false)) { KeyId = _key.KeyId });
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        app.MapPost("/token", (Delegate)TokenAsync);
        app.MapGet("/userinfo", (HttpContext http) =>
        {
            var bearer = http.Request.Headers.Authorization.ToString();
            if (!bearer.StartsWith("Bearer at-", StringComparison.Ordinal))
            {
                return Results.StatusCode(401);
            }

            var answer = new Dictionary<string, object>(UserClaims) { ["sub"] = UserInfoSubject ?? Subject };
            return Results.Json(answer);
        });
    }

    /// <summary>
    /// Plays the user signing in at the authorization endpoint Ferry sent the browser to: checks the request and returns
    /// what the provider would put on the redirect back (code, state).
    /// </summary>
    public (string Code, string State, string RedirectUri) SignIn(string authorizationUrl)
    {
        var uri = new Uri(authorizationUrl);
        Assert.Equal(Issuer + "/authorize", uri.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(uri.Query);
        Assert.Equal("code", query["response_type"]);
        Assert.Equal(ClientId, query["client_id"]);
        Assert.Contains("openid", query["scope"]!.Split(' '));
        LastCodeChallengeMethod = query["code_challenge_method"];
        var code = "code-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        _codes[code] = new PendingCode(query["nonce"]!, query["code_challenge"], query["redirect_uri"]!);
        return (code, query["state"]!, query["redirect_uri"]!);
    }

    private async Task<IResult> TokenAsync(HttpContext http)
    {
        Interlocked.Increment(ref TokenRequests);
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(ClientId + ":" + ClientSecret));
        if (http.Request.Headers.Authorization.ToString() != expected)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        var form = await http.Request.ReadFormAsync();
        if (form["grant_type"] != "authorization_code" || !_codes.TryRemove(form["code"].ToString(), out var pending))
        {
            return Results.Json(new { error = "invalid_grant", error_description = "unknown or used code" }, statusCode: 400);
        }

        if (form["redirect_uri"] != pending.RedirectUri)
        {
            return Results.Json(new { error = "invalid_grant", error_description = "redirect_uri mismatch" }, statusCode: 400);
        }

        if (pending.Challenge is not null)
        {
            var verifier = form["code_verifier"].ToString();
            if (Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))) != pending.Challenge)
            {
                return Results.Json(new { error = "invalid_grant", error_description = "PKCE verification failed" }, statusCode: 400);
            }
        }

        return Results.Json(new { access_token = "at-" + Guid.NewGuid().ToString("N"), token_type = "Bearer", expires_in = 300, id_token = IdToken(pending.Nonce) });
    }

    private string IdToken(string nonce)
    {
        var now = _time.GetUtcNow();
        var claims = new Dictionary<string, object>(UserClaims, StringComparer.Ordinal)
        {
            ["iss"] = Issuer,
            ["aud"] = ClientId,
            ["sub"] = Subject,
            ["nonce"] = nonce,
            ["iat"] = now.ToUnixTimeSeconds(),
            ["exp"] = (now + TimeSpan.FromMinutes(5)).ToUnixTimeSeconds(),
        };
        AlterClaims?.Invoke(claims);
        var key = SignWithForeignKey ? new RsaSecurityKey(RSA.Create(2048)) { KeyId = _key.KeyId } : _key;
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Claims = claims,
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256),
        });
        return AlterToken?.Invoke(token) ?? token;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private sealed record PendingCode(string Nonce, string? Challenge, string RedirectUri);
}
