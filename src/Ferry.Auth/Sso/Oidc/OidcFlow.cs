using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Security;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Ferry.Auth.Sso.Oidc;

/// <summary>
/// OpenID Connect authorization code flow (docs/sso.md): <c>state</c> (the request id), <c>nonce</c> and PKCE S256 on
/// the way out; on the way back the code is exchanged with the client secret, and the ID token is validated by
/// Microsoft.IdentityModel against the issuer's discovery document and signing keys (issuer, audience, lifetime,
/// signature), then its nonce is compared, and the UserInfo answer is used only if its <c>sub</c> is the token's.
/// </summary>
internal sealed class OidcFlow : IIdentityProviderFlow
{
    /// <summary>Claims about the token itself, not the user: never traits.</summary>
    private static readonly HashSet<string> ProtocolClaims = new(StringComparer.Ordinal)
    {
        "iss", "aud", "exp", "iat", "nbf", "nonce", "at_hash", "c_hash", "s_hash", "auth_time", "azp", "jti", "sid", "acr", "amr",
    };

    private static readonly string[] Algorithms =
    [
        SecurityAlgorithms.RsaSha256, SecurityAlgorithms.RsaSha384, SecurityAlgorithms.RsaSha512,
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.RsaSsaPssSha384, SecurityAlgorithms.RsaSsaPssSha512,
        SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.EcdsaSha384, SecurityAlgorithms.EcdsaSha512,
    ];

    private readonly IdpHttp _http;
    private readonly ConcurrentDictionary<string, ConfigurationManager<OpenIdConnectConfiguration>> _configs = new(StringComparer.Ordinal);
    private readonly JsonWebTokenHandler _tokens = new();

    public OidcFlow(IdpHttp http)
    {
        _http = http;
    }

    public string Kind => ResourceKinds.Oidc;

    public async ValueTask<(Uri Redirect, SsoRequest Request)> BeginAsync(IAuthConnector connector, SsoRequest request, CancellationToken cancellationToken)
    {
        var oidc = (OidcConnector)connector;
        var config = await DiscoverAsync(oidc, cancellationToken);
        var nonce = Secrets.New(16);
        var verifier = oidc.Spec.PkceMode == OidcConnector.PkceDisabled ? null : Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var scopes = new[] { "openid" }.Concat(oidc.Spec.Scope).Distinct(StringComparer.Ordinal);
        var query = new List<(string, string)>
        {
            ("response_type", "code"),
            ("client_id", oidc.Spec.ClientId),
            ("redirect_uri", request.CallbackUrl),
            ("scope", string.Join(' ', scopes)),
            ("state", request.Id),
            ("nonce", nonce),
        };
        if (verifier is not null)
        {
            query.Add(("code_challenge", Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))));
            query.Add(("code_challenge_method", "S256"));
        }

        if (oidc.Spec.MaxAge is { } maxAge)
        {
            query.Add(("max_age", ((long)maxAge.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        var endpoint = config.AuthorizationEndpoint;
        var redirect = new Uri(endpoint + (endpoint.Contains('?', StringComparison.Ordinal) ? "&" : "?") + FormQuery(query));
        return (redirect, request with { Nonce = nonce, CodeVerifier = verifier });
    }

    public async ValueTask<ExternalIdentity> CompleteAsync(IAuthConnector connector, SsoRequest? request, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var oidc = (OidcConnector)connector;
        if (request is null)
        {
            throw FerryException.AccessDenied("OIDC login refused: the answer names no login in progress");
        }

        if (parameters.TryGetValue("error", out var error))
        {
            var description = parameters.GetValueOrDefault("error_description");
            throw FerryException.AccessDenied($"the identity provider refused the login: {Short(error)}{(description is null ? "" : ": " + Short(description))}");
        }

        var code = parameters.GetValueOrDefault("code");
        if (string.IsNullOrEmpty(code))
        {
            throw FerryException.AccessDenied("OIDC login refused: the identity provider sent no authorization code");
        }

        var config = await DiscoverAsync(oidc, cancellationToken);
        var (idToken, accessToken) = await ExchangeAsync(oidc, config, request, code, cancellationToken);
        var token = await ValidateAsync(oidc, config, idToken, cancellationToken);
        if (!token.TryGetPayloadValue<string>("nonce", out var nonce) || !Secrets.EqualsConstantTime(nonce, request.Nonce))
        {
            throw FerryException.AccessDenied("OIDC login refused: the ID token's nonce is not this login's (a replayed or injected token)");
        }

        var claims = ClaimsOf(token);
        if (!string.IsNullOrEmpty(config.UserInfoEndpoint) && accessToken is not null)
        {
            await MergeUserInfoAsync(config, accessToken, token.Subject, claims, cancellationToken);
        }

        var username = First(claims, "email") ?? First(claims, "preferred_username")
            ?? throw FerryException.AccessDenied("OIDC login refused: the identity provider sent neither an email nor a preferred_username claim; add the email scope to the connector");
        var traits = claims.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
        return new ExternalIdentity(token.Subject, username, traits, traits);
    }

    /// <summary>For tctl create: the issuer's discovery document and keys can be read, or why not.</summary>
    public async ValueTask<string?> ProbeAsync(OidcConnector oidc, CancellationToken cancellationToken)
    {
        try
        {
            var config = await DiscoverAsync(oidc, cancellationToken);
            return config.SigningKeys.Count == 0 ? $"the issuer at {oidc.Spec.IssuerUrl} publishes no signing keys (jwks_uri)" : null;
        }
        catch (FerryException e)
        {
            return e.Message;
        }
    }

    private async Task<OpenIdConnectConfiguration> DiscoverAsync(OidcConnector oidc, CancellationToken cancellationToken)
    {
        var issuer = oidc.Spec.IssuerUrl.TrimEnd('/');
        var manager = _configs.GetOrAdd(issuer, i => new ConfigurationManager<OpenIdConnectConfiguration>(
            i + "/.well-known/openid-configuration",
            new OpenIdConnectConfigurationRetriever(),
            // The connector reader allows http only for loopback issuers (tests, local providers).
            new HttpDocumentRetriever(_http.Client) { RequireHttps = !IsLoopback(i) }));
        OpenIdConnectConfiguration config;
        try
        {
            config = await manager.GetConfigurationAsync(cancellationToken);
        }
        catch (InvalidOperationException e)
        {
            throw FerryException.Unavailable($"cannot read the OIDC discovery document of {issuer}: {Innermost(e).Message}; check issuer_url of oidc connector \"{oidc.Name}\"");
        }

        // OpenID Connect Discovery 1.0 §4.3: the document must be the issuer's own.
        if (!string.Equals(config.Issuer?.TrimEnd('/'), issuer, StringComparison.Ordinal))
        {
            throw FerryException.Unavailable($"the discovery document at {issuer} names issuer \"{config.Issuer}\"; issuer_url of oidc connector \"{oidc.Name}\" must be exactly the issuer");
        }

        return config;
    }

    private async Task<(string IdToken, string? AccessToken)> ExchangeAsync(OidcConnector oidc, OpenIdConnectConfiguration config, SsoRequest request, string code, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "authorization_code"),
            new("code", code),
            new("redirect_uri", request.CallbackUrl),
        };
        if (request.CodeVerifier is not null)
        {
            form.Add(new("code_verifier", request.CodeVerifier));
        }

        using var message = new HttpRequestMessage(HttpMethod.Post, config.TokenEndpoint);
        var methods = config.TokenEndpointAuthMethodsSupported;
        if (methods.Count > 0 && !methods.Contains("client_secret_basic") && methods.Contains("client_secret_post"))
        {
            form.Add(new("client_id", oidc.Spec.ClientId));
            form.Add(new("client_secret", oidc.Spec.ClientSecret ?? ""));
        }
        else
        {
            // RFC 6749 §2.3.1: each half form-encoded before base64.
            var pair = Uri.EscapeDataString(oidc.Spec.ClientId) + ":" + Uri.EscapeDataString(oidc.Spec.ClientSecret ?? "");
            message.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(pair)));
        }

        message.Content = new FormUrlEncodedContent(form);
        message.Headers.Accept.ParseAdd("application/json");
        var (status, body) = await _http.SendJsonAsync(message, "the OIDC token endpoint", cancellationToken);
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("error", out var error))
        {
            var description = body.TryGetProperty("error_description", out var d) ? d.GetString() : null;
            throw FerryException.AccessDenied($"the identity provider refused the authorization code: {Short(error.ToString())}{(description is null ? "" : ": " + Short(description))}");
        }

        if ((int)status != 200 || body.ValueKind != JsonValueKind.Object || !body.TryGetProperty("id_token", out var idToken) || idToken.ValueKind != JsonValueKind.String)
        {
            throw FerryException.AccessDenied($"the OIDC token endpoint answered {(int)status} without an ID token");
        }

        var access = body.TryGetProperty("access_token", out var a) && a.ValueKind == JsonValueKind.String ? a.GetString() : null;
        return (idToken.GetString()!, access);
    }

    private async Task<JsonWebToken> ValidateAsync(OidcConnector oidc, OpenIdConnectConfiguration config, string idToken, CancellationToken cancellationToken)
    {
        var result = await _tokens.ValidateTokenAsync(idToken, Parameters(oidc, config));
        if (!result.IsValid && result.Exception is SecurityTokenSignatureKeyNotFoundException)
        {
            // The issuer may have rotated its keys since discovery was cached: read them again, once.
            var manager = _configs[oidc.Spec.IssuerUrl.TrimEnd('/')];
            manager.RequestRefresh();
            config = await DiscoverAsync(oidc, cancellationToken);
            result = await _tokens.ValidateTokenAsync(idToken, Parameters(oidc, config));
        }

        if (!result.IsValid || result.SecurityToken is not JsonWebToken token)
        {
            throw FerryException.AccessDenied("OIDC login refused: the ID token " + Reason(result.Exception));
        }

        // OIDC Core §3.1.3.7: with several audiences, azp must be this client.
        if (token.Audiences.Count() > 1 && (!token.TryGetPayloadValue<string>("azp", out var azp) || azp != oidc.Spec.ClientId))
        {
            throw FerryException.AccessDenied("OIDC login refused: the ID token is for several clients and not authorised for this one (azp)");
        }

        if (string.IsNullOrEmpty(token.Subject))
        {
            throw FerryException.AccessDenied("OIDC login refused: the ID token has no sub claim");
        }

        return token;
    }

    private static TokenValidationParameters Parameters(OidcConnector oidc, OpenIdConnectConfiguration config) => new()
    {
        ValidIssuer = config.Issuer,
        ValidAudience = oidc.Spec.ClientId,
        IssuerSigningKeys = config.SigningKeys,
        ValidateIssuer = true,
        ValidateAudience = true,
        ValidateLifetime = true,
        ValidateIssuerSigningKey = true,
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidAlgorithms = Algorithms,
        ClockSkew = TimeSpan.FromMinutes(2),
    };

    private static string Reason(Exception? e) => e switch
    {
        SecurityTokenInvalidAudienceException => "is for another client (its audience is not this connector's client_id)",
        SecurityTokenInvalidIssuerException => "was issued by another issuer",
        SecurityTokenExpiredException => "has expired",
        SecurityTokenNotYetValidException => "is not valid yet (check the clocks)",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "has a signature the issuer's keys do not verify (tampered or forged)",
        SecurityTokenInvalidAlgorithmException => "is signed with an algorithm Ferry does not accept",
        SecurityTokenNoExpirationException => "has no expiry",
        SecurityTokenMalformedException or ArgumentException => "is malformed",
        null => "failed validation",
        _ => $"failed validation ({e.GetType().Name})",
    };

    private async Task MergeUserInfoAsync(OpenIdConnectConfiguration config, string accessToken, string subject, Dictionary<string, List<string>> claims, CancellationToken cancellationToken)
    {
        using var message = new HttpRequestMessage(HttpMethod.Get, config.UserInfoEndpoint);
        message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        message.Headers.Accept.ParseAdd("application/json");
        var (status, body) = await _http.SendJsonAsync(message, "the OIDC userinfo endpoint", cancellationToken);
        if ((int)status != 200 || body.ValueKind != JsonValueKind.Object)
        {
            throw FerryException.AccessDenied($"the OIDC userinfo endpoint answered {(int)status}");
        }

        // OIDC Core §5.3.2: the sub of the UserInfo answer must be the ID token's, or its claims are someone else's.
        if (!body.TryGetProperty("sub", out var sub) || sub.ValueKind != JsonValueKind.String || !Secrets.EqualsConstantTime(sub.GetString(), subject))
        {
            throw FerryException.AccessDenied("OIDC login refused: the userinfo answer is about another user (its sub is not the ID token's)");
        }

        foreach (var property in body.EnumerateObject())
        {
            if (!claims.ContainsKey(property.Name) && !ProtocolClaims.Contains(property.Name) && Values(property.Value) is { Count: > 0 } values)
            {
                claims[property.Name] = values;
            }
        }
    }

    /// <summary>The user's claims as string lists (arrays flattened, numbers and booleans as text, objects left out).</summary>
    private static Dictionary<string, List<string>> ClaimsOf(JsonWebToken token)
    {
        var claims = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var claim in token.Claims)
        {
            if (ProtocolClaims.Contains(claim.Type) || claim.ValueType is JsonClaimValueTypes.Json or JsonClaimValueTypes.JsonArray || claim.Value.Length == 0)
            {
                continue;
            }

            if (!claims.TryGetValue(claim.Type, out var list))
            {
                claims[claim.Type] = list = [];
            }

            list.Add(claim.Value);
        }

        return claims;
    }

    private static List<string>? Values(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => [value.GetString()!],
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => [value.ToString()],
        JsonValueKind.Array => value.EnumerateArray().SelectMany(v => Values(v) ?? []).ToList(),
        _ => null,
    };

    private static string? First(Dictionary<string, List<string>> claims, string name) =>
        claims.TryGetValue(name, out var values) && values.Count > 0 && values[0].Length > 0 ? values[0] : null;

    private static bool IsLoopback(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && (uri.IsLoopback || uri.Host == "localhost");

    private static Exception Innermost(Exception e) => e.InnerException is { } inner ? Innermost(inner) : e;

    private static string Short(string? value) => value is null ? "" : value.Length <= 200 ? value : value[..200] + "…";

    internal static string FormQuery(IEnumerable<(string Key, string Value)> pairs) =>
        string.Join('&', pairs.Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)));
}
