using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Proxy.Web.Ui.Pages;
using Ferry.Proxy.Web.Ui.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Proxy.Web.Ui.Endpoints;

/// <summary>
/// Single sign-on in the browser (docs/sso.md):
/// <code>
/// GET  /web/sso/{kind}/{name}          the sign-in page's button: binding cookie, then 303 to the identity provider
/// GET  /v1/webapi/github/callback      GitHub's answer (code, state)
/// GET  /v1/webapi/oidc/callback        the OIDC provider's answer (code, state)
/// POST /v1/webapi/saml/acs/{name}      the SAML provider's answer (SAMLResponse, RelayState; a cross-site form post)
/// </code>
/// The answers carry no CSRF token of ours (they come from the provider): what protects them is the state or
/// RelayState (one-time, checked by auth) and, for browser logins, the binding cookie. A tsh login ends in a redirect to
/// tsh's loopback listener; a browser login ends signed in.
/// </summary>
internal static class SsoEndpoints
{
    public static void Map(IEndpointRouteBuilder app, RouteGroupBuilder web, WebUiContext ui)
    {
        web.MapGet("/sso/{kind}/{name}", WebUiContext.Handler(http => StartAsync(ui, http)));
        app.MapGet(GithubConnector.CallbackPath, WebUiContext.Handler(http => CallbackAsync(ui, http, ResourceKinds.Github, null, Query(http))));
        app.MapGet(OidcConnector.CallbackPath, WebUiContext.Handler(http => CallbackAsync(ui, http, ResourceKinds.Oidc, null, Query(http))));
        app.MapPost(SamlConnector.AcsPathPrefix + "{name}", WebUiContext.Handler(async http =>
        {
            if (!http.Request.HasFormContentType)
            {
                return ui.Error(null, new ErrorView(StatusCodes.Status400BadRequest, "Bad request", "The identity provider's answer is not a form post.", "Start the login again."));
            }

            var form = await http.Request.ReadFormAsync(http.RequestAborted);
            var fields = form.Where(f => f.Key is "SAMLResponse" or "RelayState").ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
            return await CallbackAsync(ui, http, ResourceKinds.Saml, http.Request.RouteValues["name"]?.ToString(), fields);
        }));
    }

    private static async Task<IResult> StartAsync(WebUiContext ui, HttpContext http)
    {
        var kind = http.Request.RouteValues["kind"]?.ToString() ?? "";
        var name = http.Request.RouteValues["name"]?.ToString() ?? "";
        if (!ResourceKinds.Connectors.Contains(kind))
        {
            return ui.Error(null, ErrorView.PageNotFound());
        }

        try
        {
            var binding = SsoBindingCookie.Set(http.Response);
            var returnTo = ReturnTo.OrDefault(http.Request.Query["return_to"].ToString());
            var redirect = await ui.Portal.StartSsoAsync(kind, name, returnTo, binding, http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
            return new SeeOtherResult(redirect.AbsoluteUri);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            SsoBindingCookie.Clear(http.Response);
            return ui.Failure(http, null, e);
        }
    }

    private static async Task<IResult> CallbackAsync(WebUiContext ui, HttpContext http, string kind, string? connector, Dictionary<string, string> parameters)
    {
        var remote = http.Connection.RemoteIpAddress?.ToString();
        try
        {
            var outcome = await ui.Portal.CompleteSsoAsync(kind, connector, parameters, SsoBindingCookie.Read(http.Request), remote, http.RequestAborted);
            SsoBindingCookie.Clear(http.Response);
            if (outcome.ClientRedirect is { } client)
            {
                // tsh waits on this machine's loopback; the sealed result in the query is only readable by it.
                return Results.Redirect(client.AbsoluteUri);
            }

            var session = outcome.Session!;
            WebUiLog.SignedIn(ui.Logger, session.User, remote);
            SessionCookie.Set(http.Response, session);
            return new SeeOtherResult(ReturnTo.OrDefault(outcome.ReturnTo));
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            SsoBindingCookie.Clear(http.Response);
            if (e is FerryException ferry)
            {
                WebUiLog.SignInRefused(ui.Logger, kind, remote, ferry.Kind.ToString());
                return ui.Error(null, new ErrorView(ErrorKindMapping.ToHttpStatus(ferry.Kind), "Sign-in failed", ferry.Message,
                    "Start again from the sign-in page; if it keeps failing, show this message to a Ferry administrator.", "/web/login", "Back to sign in"));
            }

            return ui.Failure(http, null, e);
        }
    }

    private static Dictionary<string, string> Query(HttpContext http) =>
        http.Request.Query.Where(q => q.Key.Length <= 64).Take(32).ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
}
