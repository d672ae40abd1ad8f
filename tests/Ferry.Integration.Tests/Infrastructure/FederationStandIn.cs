using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// A stand-in for the AWS sign-in federation endpoint (https://signin.aws.amazon.com/federation), speaking its wire
/// format: <c>GET ?Action=getSigninToken&amp;Session={"sessionId","sessionKey","sessionToken"}[&amp;SessionDuration=N]</c>
/// answers <c>{"SigninToken": ...}</c>, and <c>GET ?Action=login&amp;SigninToken=..&amp;Destination=..&amp;Issuer=..</c> is where
/// the browser lands. Before issuing a token it proves the session credentials work by calling moto's
/// sts:GetCallerIdentity with them, so a signed-in page names the identity AWS itself saw.
/// The agent reaches it through AWS_ENDPOINT_URL_SIGNIN.
/// </summary>
public sealed class FederationStandIn : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, SigninGrant> _grants = new(StringComparer.Ordinal);

    private FederationStandIn(WebApplication app)
    {
        _app = app;
    }

    /// <summary>Base URL to give the agent as AWS_ENDPOINT_URL_SIGNIN.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>Every getSigninToken call, in order.</summary>
    public ConcurrentQueue<SigninGrant> Grants { get; } = new();

    /// <summary>Every login redirect that arrived.</summary>
    public ConcurrentQueue<SigninLogin> Logins { get; } = new();

    public static async Task<FederationStandIn> StartAsync(string stsEndpoint, string region = "us-east-1")
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var standIn = new FederationStandIn(app);
        app.MapGet("/federation", async (HttpContext http) =>
        {
            var query = http.Request.Query;
            switch (query["Action"].ToString())
            {
                case "getSigninToken":
                    return await standIn.GetSigninTokenAsync(query, stsEndpoint, region);
                case "login":
                    return standIn.Login(query);
                default:
                    return Results.BadRequest("unknown Action");
            }
        });
        await app.StartAsync();
        standIn.BaseUrl = app.Urls.First();
        return standIn;
    }

    private async Task<IResult> GetSigninTokenAsync(IQueryCollection query, string stsEndpoint, string region)
    {
        SessionJson? session;
        try
        {
            session = JsonSerializer.Deserialize<SessionJson>(query["Session"].ToString());
        }
        catch (JsonException)
        {
            return Results.BadRequest("Session is not JSON");
        }

        if (session?.sessionId is null || session.sessionKey is null || session.sessionToken is null)
        {
            return Results.BadRequest("Session needs sessionId, sessionKey and sessionToken");
        }

        string arn;
        try
        {
            using var sts = new AmazonSecurityTokenServiceClient(
                new SessionAWSCredentials(session.sessionId, session.sessionKey, session.sessionToken),
                new AmazonSecurityTokenServiceConfig { ServiceURL = stsEndpoint, AuthenticationRegion = region });
            arn = (await sts.GetCallerIdentityAsync(new GetCallerIdentityRequest())).Arn;
        }
        catch (AmazonServiceException e)
        {
            return Results.Json(new { error = "the session credentials were refused: " + e.Message }, statusCode: (int)HttpStatusCode.Forbidden);
        }

        int? duration = int.TryParse(query["SessionDuration"], out var seconds) ? seconds : null;
        var grant = new SigninGrant(Guid.NewGuid().ToString("N"), arn, duration);
        _grants[grant.Token] = grant;
        Grants.Enqueue(grant);
        return Results.Content(JsonSerializer.Serialize(new { SigninToken = grant.Token }), "application/json"); // exact casing, as AWS answers
    }

    private IResult Login(IQueryCollection query)
    {
        if (!_grants.TryRemove(query["SigninToken"].ToString(), out var grant))
        {
            return Results.Content("<h1>Invalid sign-in token</h1>", "text/html", statusCode: 400);
        }

        var login = new SigninLogin(grant, query["Destination"].ToString(), query["Issuer"].ToString());
        Logins.Enqueue(login);
        var html = $"""
            <!doctype html><html><head><title>AWS Management Console (stand-in)</title></head>
            <body><h1>AWS Management Console</h1>
            <p id="federated-user">Federated user: {WebUtility.HtmlEncode(grant.Arn)}</p>
            <p id="destination">Destination: {WebUtility.HtmlEncode(login.Destination)}</p>
            <p id="issuer">Issuer: {WebUtility.HtmlEncode(login.Issuer)}</p></body></html>
            """;
        return Results.Content(html, "text/html");
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed record SessionJson(string? sessionId, string? sessionKey, string? sessionToken);
}

public sealed record SigninGrant(string Token, string Arn, int? SessionDurationSeconds);

public sealed record SigninLogin(SigninGrant Grant, string Destination, string Issuer);
