using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Logging;

namespace Ferry.Web.Tests.Infrastructure.Idps;

/// <summary>
/// A stand-in for GitHub Enterprise Server speaking GitHub's wire format, for one OAuth app and one signed-in user.
/// OAuth web flow (docs.github.com, "Authorizing OAuth apps"):
///   GET  /login/oauth/authorize?client_id&amp;redirect_uri&amp;state&amp;scope[&amp;code_challenge&amp;code_challenge_method=S256]
///        a page naming the user (<c>#github-login</c>) with <c>#authorize</c> and <c>#cancel</c> buttons; an unknown
///        client is a 404 page; a redirect_uri not registered sends the browser to the first registered one with
///        error=redirect_uri_mismatch ("Troubleshooting authorization request errors"); Cancel gives error=access_denied.
///   POST /login/oauth/authorize   (the page's form) redirects to redirect_uri?code=..&amp;state=..
///   POST /login/oauth/access_token   client_id, client_secret, code[, redirect_uri][, code_verifier] as form fields
///        (or query parameters); JSON with Accept: application/json, else form-encoded, like GitHub. Errors are 200
///        with error/error_description/error_uri ("Troubleshooting OAuth app access token request errors"). Codes are
///        single-use and last 10 minutes.
/// REST API under /api/v3 (Enterprise Server's prefix), with Authorization: Bearer|token &lt;access token&gt;:
///   GET /api/v3/user, GET /api/v3/user/teams (paginated: per_page, page, Link header); 401 without a valid token.
/// </summary>
internal sealed class GithubStandIn : IAsyncDisposable
{
    private const string MismatchUri = "/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#redirect-uri-mismatch";
    private const string TokenErrorsUri = "/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/";
    private static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);

    private readonly WebApplication _app;
    private readonly string _clientId;
    private readonly byte[] _clientSecret;
    private readonly IReadOnlyList<string> _redirectUris;
    private readonly ConcurrentDictionary<string, CodeGrant> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TokenGrant> _tokens = new(StringComparer.Ordinal);
    private int _tokenExchanges;

    private GithubStandIn(WebApplication app, string clientId, string clientSecret, IReadOnlyList<string> redirectUris, GithubUser user)
    {
        _app = app;
        _clientId = clientId;
        _clientSecret = Encoding.UTF8.GetBytes(clientSecret);
        _redirectUris = redirectUris;
        User = user;
    }

    /// <summary>http://127.0.0.1:PORT: the connector's endpoint_url (GitHub Enterprise's host).</summary>
    public string BaseUrl { get; private set; } = "";

    public string ApiUrl => BaseUrl + "/api/v3";

    /// <summary>Who is signed in to GitHub in the browser; codes issued from now on are for this user.</summary>
    public GithubUser User { get; set; }

    /// <summary>Codes successfully exchanged for a token.</summary>
    public int TokenExchanges => Volatile.Read(ref _tokenExchanges);

    /// <summary>Every access_token request, in order, with its outcome.</summary>
    public ConcurrentQueue<GithubTokenRequest> TokenRequests { get; } = new();

    /// <summary>Every API request, in order.</summary>
    public ConcurrentQueue<GithubApiCall> ApiCalls { get; } = new();

    /// <summary>The Authorization scheme of the last API call as sent ("Bearer", "token"), or null when it had none.</summary>
    public string? LastAuthorizationScheme => ApiCalls.LastOrDefault()?.AuthorizationScheme;

    public static async Task<GithubStandIn> StartAsync(string clientId, string clientSecret, IReadOnlyList<string> redirectUris, GithubUser user)
    {
        ArgumentOutOfRangeException.ThrowIfZero(redirectUris.Count);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var standIn = new GithubStandIn(app, clientId, clientSecret, redirectUris, user);
        app.MapGet("/login/oauth/authorize", (HttpContext http) => standIn.AuthorizePage(http.Request.Query));
        // Typed as Func so Minimal APIs writes the IResult (as a RequestDelegate the returned value would be dropped: ASP0016).
        app.MapPost("/login/oauth/authorize", (Func<HttpContext, Task<IResult>>)(async http => standIn.Authorize(await http.Request.ReadFormAsync())));
        app.MapPost("/login/oauth/access_token", (Func<HttpContext, Task<IResult>>)standIn.AccessTokenAsync);
        app.MapGet("/api/v3/user", (HttpContext http) => standIn.Api(http, standIn.UserJson));
        app.MapGet("/api/v3/user/teams", (HttpContext http) => standIn.Api(http, standIn.TeamsJson));
        await app.StartAsync();
        standIn.BaseUrl = app.Urls.First().TrimEnd('/');
        return standIn;
    }

    private IResult AuthorizePage(IQueryCollection query)
    {
        if (Refuse(query["client_id"], query["redirect_uri"], query["state"], out var redirectUri) is { } refusal)
        {
            return refusal;
        }

        string Hidden(string name, string? value) =>
            $"<input type=\"hidden\" name=\"{name}\" value=\"{WebUtility.HtmlEncode(value ?? "")}\">";
        var html = $"""
            <!doctype html><html><head><meta charset="utf-8"><title>Authorize application (GitHub stand-in)</title></head><body>
            <h1>Authorize {WebUtility.HtmlEncode(_clientId)}</h1>
            <p>Signed in as <strong id="github-login">{WebUtility.HtmlEncode(User.Login)}</strong></p>
            <p id="scope">Requested scopes: {WebUtility.HtmlEncode(query["scope"].ToString())}</p>
            <form method="post" action="/login/oauth/authorize">
            {Hidden("client_id", query["client_id"])}{Hidden("redirect_uri", redirectUri)}{Hidden("state", query["state"])}{Hidden("scope", query["scope"])}
            {Hidden("code_challenge", query["code_challenge"])}{Hidden("code_challenge_method", query["code_challenge_method"])}
            <button type="submit" name="authorize" value="1" id="authorize">Authorize</button>
            <button type="submit" name="authorize" value="0" id="cancel">Cancel</button>
            </form></body></html>
            """;
        return Results.Content(html, "text/html; charset=utf-8");
    }

    private IResult Authorize(IFormCollection form)
    {
        if (Refuse(form["client_id"], form["redirect_uri"], form["state"], out var redirectUri) is { } refusal)
        {
            return refusal;
        }

        var state = form["state"].ToString();
        if (form["authorize"] != "1")
        {
            return Redirect(redirectUri, state, ("error", "access_denied"), ("error_description", "The user has denied your application access."),
                ("error_uri", "/apps/managing-oauth-apps/troubleshooting-authorization-request-errors/#access-denied"));
        }

        var code = RandomNumberGenerator.GetHexString(20, lowercase: true);
        var challenge = form["code_challenge"].ToString();
        _codes[code] = new CodeGrant(redirectUri, NormalizeScope(form["scope"].ToString()), User, challenge.Length > 0 ? challenge : null, DateTime.UtcNow);
        return Redirect(redirectUri, state, ("code", code));
    }

    /// <summary>GitHub's answers to a bad authorize request; null when the request may go on (with the redirect URI to use).</summary>
    private IResult? Refuse(string? clientId, string? requested, string? state, out string redirectUri)
    {
        redirectUri = _redirectUris[0];
        if (clientId != _clientId)
        {
            return Results.Content("<!doctype html><h1 id=\"error\">404: Not Found</h1>", "text/html; charset=utf-8", statusCode: 404);
        }

        if (string.IsNullOrEmpty(requested))
        {
            return null; // GitHub uses the registered callback URL
        }

        if (!_redirectUris.Contains(requested, StringComparer.Ordinal))
        {
            return Redirect(_redirectUris[0], state, ("error", "redirect_uri_mismatch"),
                ("error_description", "The redirect_uri MUST match the registered callback URL for this application."), ("error_uri", MismatchUri));
        }

        redirectUri = requested;
        return null;
    }

    private static IResult Redirect(string uri, string? state, params (string Name, string Value)[] parameters)
    {
        var pairs = parameters.Select(p => new KeyValuePair<string, string?>(p.Name, p.Value)).ToList();
        if (!string.IsNullOrEmpty(state))
        {
            pairs.Add(new("state", state));
        }

        return Results.Redirect(QueryHelpers.AddQueryString(uri, pairs));
    }

    private async Task<IResult> AccessTokenAsync(HttpContext http)
    {
        var request = http.Request;
        var form = request.HasFormContentType ? await request.ReadFormAsync() : null;
        string Field(string name) => form?[name].ToString() is { Length: > 0 } value ? value : request.Query[name].ToString();
        var json = request.Headers.Accept.ToString().Contains("application/json", StringComparison.OrdinalIgnoreCase);

        IResult Answer(string outcome, params (string Name, string Value)[] fields)
        {
            TokenRequests.Enqueue(new GithubTokenRequest(Field("client_id"), request.Headers.Accept.ToString(), outcome));
            if (json)
            {
                return Results.Json(fields.ToDictionary(f => f.Name, f => f.Value));
            }

            var body = string.Join('&', fields.Select(f => Uri.EscapeDataString(f.Name) + "=" + Uri.EscapeDataString(f.Value)));
            return Results.Content(body, "application/x-www-form-urlencoded; charset=utf-8");
        }

        IResult Error(string error, string description, string anchor) =>
            Answer(error, ("error", error), ("error_description", description), ("error_uri", TokenErrorsUri + anchor));

        if (Field("client_id") != _clientId || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Field("client_secret")), _clientSecret))
        {
            return Error("incorrect_client_credentials", "The client_id and/or client_secret passed are incorrect.", "#incorrect-client-credentials");
        }

        // Once the client is authenticated, any exchange naming a code spends it; a second use is bad_verification_code.
        if (!_codes.TryRemove(Field("code"), out var grant) || DateTime.UtcNow - grant.IssuedAt > CodeLifetime)
        {
            return Error("bad_verification_code", "The code passed is incorrect or expired.", "#bad-verification-code");
        }

        var redirectUri = Field("redirect_uri");
        if (redirectUri.Length > 0 && redirectUri != grant.RedirectUri)
        {
            return Error("redirect_uri_mismatch", "The redirect_uri MUST match the registered callback URL for this application.", "#redirect-uri-mismatch");
        }

        if (grant.CodeChallenge is not null && !PkceMatches(Field("code_verifier"), grant.CodeChallenge))
        {
            return Error("bad_verification_code", "The code passed is incorrect or expired.", "#bad-verification-code");
        }

        var token = "gho_" + RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 36);
        _tokens[token] = new TokenGrant(grant.User, grant.Scope);
        Interlocked.Increment(ref _tokenExchanges);
        return Answer("ok", ("access_token", token), ("token_type", "bearer"), ("scope", grant.Scope));
    }

    // RFC 7636 §4.6, S256 only.
    private static bool PkceMatches(string verifier, string challenge) =>
        verifier.Length > 0
        && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)))),
            Encoding.ASCII.GetBytes(challenge));

    // GitHub reports granted scopes comma-separated ("read:org,user:email") whatever separator was asked with.
    private static string NormalizeScope(string scope) =>
        string.Join(',', scope.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries));

    private IResult Api(HttpContext http, Func<HttpContext, TokenGrant, IResult> answer)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var space = header.IndexOf(' ', StringComparison.Ordinal);
        var scheme = space > 0 ? header[..space] : header.Length > 0 ? header : null;
        var credential = space > 0 ? header[(space + 1)..].Trim() : "";
        var known = scheme is not null
                    && (scheme.Equals("Bearer", StringComparison.OrdinalIgnoreCase) || scheme.Equals("token", StringComparison.OrdinalIgnoreCase));
        TokenGrant? grant = null;
        var ok = known && _tokens.TryGetValue(credential, out grant);
        ApiCalls.Enqueue(new GithubApiCall(http.Request.Path + http.Request.QueryString, scheme, ok ? 200 : 401));
        if (!ok)
        {
            var message = scheme is null ? "Requires authentication" : "Bad credentials";
            return Results.Json(new { message, documentation_url = "https://docs.github.com/enterprise-server/rest" }, statusCode: 401);
        }

        http.Response.Headers["X-OAuth-Scopes"] = grant!.Scope.Replace(",", ", ", StringComparison.Ordinal);
        http.Response.Headers["X-GitHub-Media-Type"] = "github.v3; format=json";
        return answer(http, grant);
    }

    private IResult UserJson(HttpContext http, TokenGrant grant) => Results.Json(new
    {
        login = grant.User.Login,
        id = grant.User.Id,
        node_id = "U_" + grant.User.Id.ToString(CultureInfo.InvariantCulture),
        html_url = $"{BaseUrl}/{grant.User.Login}",
        type = "User",
        site_admin = false,
        name = grant.User.Login,
        email = (string?)null,
    });

    private IResult TeamsJson(HttpContext http, TokenGrant grant)
    {
        var query = http.Request.Query;
        var perPage = Math.Clamp(int.TryParse(query["per_page"], out var n) ? n : 30, 1, 100);
        var page = Math.Max(int.TryParse(query["page"], out var p) ? p : 1, 1);
        var teams = grant.User.Teams;
        var last = Math.Max((teams.Count + perPage - 1) / perPage, 1);
        if (page < last)
        {
            // RFC 8288 Link, the way GitHub paginates (docs.github.com, "Using pagination in the REST API").
            string Page(int number) => $"<{ApiUrl}/user/teams?per_page={perPage}&page={number}>";
            http.Response.Headers.Link = $"{Page(page + 1)}; rel=\"next\", {Page(last)}; rel=\"last\"";
        }

        var orgs = teams.Select(t => t.Org).Distinct(StringComparer.Ordinal).ToList();
        return Results.Json(teams.Select((t, index) => (t, index)).Skip((page - 1) * perPage).Take(perPage).Select(entry =>
        {
            var (t, index) = entry;
            var id = 1000 + index;
            return new
            {
                id,
                node_id = "T_" + id.ToString(CultureInfo.InvariantCulture),
                name = CultureInfo.InvariantCulture.TextInfo.ToTitleCase(t.TeamSlug.Replace('-', ' ')),
                slug = t.TeamSlug,
                privacy = "closed",
                permission = "pull",
                organization = new { login = t.Org, id = 100 + orgs.IndexOf(t.Org), type = "Organization" },
            };
        }));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record CodeGrant(string RedirectUri, string Scope, GithubUser User, string? CodeChallenge, DateTime IssuedAt);

    private sealed record TokenGrant(GithubUser User, string Scope);
}

/// <summary>A GitHub account and the teams it belongs to, as (organization login, team slug).</summary>
internal sealed record GithubUser(string Login, int Id, IReadOnlyList<(string Org, string TeamSlug)> Teams);

/// <summary>One access_token request: the client it named, its Accept header, and "ok" or the GitHub error code.</summary>
internal sealed record GithubTokenRequest(string ClientId, string Accept, string Outcome);

/// <summary>One API request: path and query, the Authorization scheme as sent (null when absent), the status answered.</summary>
internal sealed record GithubApiCall(string Path, string? AuthorizationScheme, int Status);
