using Ferry.Proxy.Web.Ui.Endpoints;
using Ferry.Proxy.Web.Ui.Pages;
using Ferry.Proxy.WebSessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Proxy.Web.Ui;

/// <summary>
/// The web UI: server-rendered pages under /web/ on the proxy's public address, talking only to <see cref="IWebPortal"/>.
/// <code>
/// /            → /web/apps when signed in, else /web/login
/// /web/login   sign in (password, + TOTP when second_factor is otp)        /web/logout  sign out (POST)
/// /web/invite/{token}, /web/reset/{token}   set a password (+ enrol TOTP)
/// /web/apps    Applications      /web/apps/{app}/launch   IAM role picker (GET) and Launch (POST)
/// /web/audit   the audit log (auditor)      /web/assets/*   CSS, script, icon
/// /web/sso/{kind}/{name} and the identity providers' callbacks: single sign-on (<see cref="SsoEndpoints"/>)
/// </code>
/// Pages are plain C# templates (<see cref="Html.Markup"/>) that HTML-encode every value; there is no inline script.
/// </summary>
public static class WebUiEndpoints
{
    public static IEndpointRouteBuilder MapWebUi(this IEndpointRouteBuilder app, IWebPortal portal, TimeProvider? time = null)
    {
        var logger = app.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("Ferry.Proxy.WebUi") ?? NullLogger.Instance;
        var assets = StaticAssets.Load();
        var ui = new WebUiContext(portal, new Layout(assets, () => portal.Ping.ClusterName), logger, time ?? TimeProvider.System);

        app.MapGet(StaticAssets.PathPrefix + "{name}", (HttpContext http, string name) => assets.Serve(http, name));
        app.MapGet("/", WebUiContext.Handler(http => HomeAsync(ui, http)));

        var web = app.MapGroup("/web");
        web.MapGet("", WebUiContext.Handler(http => HomeAsync(ui, http)));
        SignInEndpoints.Map(web, ui);
        SignupEndpoints.Map(web, ui);
        AppEndpoints.Map(web, ui);
        AuditEndpoints.Map(web, ui);
        SsoEndpoints.Map(app, web, ui);

        // Anything else under /web: the 404 page (a catch-all has the lowest precedence, so it never hides a page).
        web.Map("/{**rest}", () => ui.Error(null, ErrorView.PageNotFound()));
        return app;
    }

    private static async Task<IResult> HomeAsync(WebUiContext ui, HttpContext http)
    {
        try
        {
            return new SeeOtherResult(await ui.SessionAsync(http) is null ? "/web/login" : ReturnToDefault);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ui.Failure(http, null, e);
        }
    }

    private const string ReturnToDefault = Security.ReturnTo.Default;
}
