using Ferry.Core.Errors;
using Ferry.Proxy.Web.Ui.Pages;
using Ferry.Proxy.WebSessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Proxy.Web.Ui.Endpoints;

/// <summary>
/// GET /web/apps (Applications), GET /web/apps/{app}/launch (the IAM role picker) and POST /web/apps/{app}/launch.
/// Launch creates the app session through the portal (auth checks RBAC for the app and the ARN, and audits
/// app.session.start) and sends the browser to the URL it returns: the app's own host, which exchanges a one-time
/// token for the app cookie and, for an AWS console app, redirects on to the AWS sign-in page.
/// </summary>
internal static class AppEndpoints
{
    public static void Map(RouteGroupBuilder web, WebUiContext ui)
    {
        web.MapGet("/apps", WebUiContext.Handler(http => ui.SignedInAsync(http, session => ListAsync(ui, http, session))));
        web.MapGet("/apps/{app}/launch", (HttpContext http, string app) => ui.SignedInAsync(http, session => PickAsync(ui, http, session, app)));
        web.MapPost("/apps/{app}/launch", (HttpContext http, string app) => ui.SignedInPostAsync(http, (session, form) => LaunchAsync(ui, http, session, app, form)));
    }

    private static async Task<IResult> ListAsync(WebUiContext ui, HttpContext http, WebSession session)
    {
        var apps = await AppsAsync(ui, http, session);
        var query = http.Request.Query["q"].ToString().Trim();
        return new PageResult(AppsPage.Render(ui.Layout, session, apps, query.Length == 0 ? null : query));
    }

    private static async Task<IResult> PickAsync(WebUiContext ui, HttpContext http, WebSession session, string appName)
    {
        var app = (await AppsAsync(ui, http, session)).FirstOrDefault(a => string.Equals(a.Name, appName, StringComparison.Ordinal));
        return app is null
            ? ui.Error(session, new ErrorView(StatusCodes.Status404NotFound, "Application not found",
                $"No application named \"{appName}\" is available to you.", "It may have stopped, or your roles may not match its labels. Pick one from Applications."))
            : new PageResult(RolePickerPage.Render(ui.Layout, session, app));
    }

    private static async Task<IResult> LaunchAsync(WebUiContext ui, HttpContext http, WebSession session, string appName, IFormCollection form)
    {
        var arn = form["arn"].ToString().Trim();
        var awsRoleArn = arn.Length == 0 ? null : arn;
        WebUiLog.Launching(ui.Logger, appName, session.User, awsRoleArn);
        var target = await ui.Portal.LaunchAsync(session, appName, awsRoleArn, http.RequestAborted);
        if (!target.IsAbsoluteUri || (target.Scheme != Uri.UriSchemeHttps && target.Scheme != Uri.UriSchemeHttp))
        {
            WebUiLog.BadLaunchUrl(ui.Logger, appName);
            throw new FerryException(ErrorKind.Internal, "the app could not be launched: Ferry returned no usable address for it");
        }

        return new SeeOtherResult(target.AbsoluteUri);
    }

    private static async Task<IReadOnlyList<AppView>> AppsAsync(WebUiContext ui, HttpContext http, WebSession session)
    {
        var apps = await ui.Portal.ListAppsAsync(session, http.RequestAborted);
        var proxyAddr = ui.Portal.Ping.ProxyPublicAddr;
        return apps.Select(a => AppView.From(a, proxyAddr)).Where(a => a.Name.Length > 0).ToList();
    }
}
