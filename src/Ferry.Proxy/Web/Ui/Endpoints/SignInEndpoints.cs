using Ferry.Core.Errors;
using Ferry.Proxy.Web.Ui.Pages;
using Ferry.Proxy.Web.Ui.Security;
using Ferry.Proxy.WebSessions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Proxy.Web.Ui.Endpoints;

/// <summary>GET/POST /web/login and POST /web/logout.</summary>
internal static class SignInEndpoints
{
    public static void Map(RouteGroupBuilder web, WebUiContext ui)
    {
        web.MapGet("/login", WebUiContext.Handler(http => ShowAsync(ui, http)));
        web.MapPost("/login", WebUiContext.Handler(http => ui.AnonymousPostAsync(http, form => SignInAsync(ui, http, form))));
        web.MapPost("/logout", WebUiContext.Handler(http => ui.SignedInPostAsync(http, (session, _) => SignOutAsync(ui, http, session))));
    }

    private static async Task<IResult> ShowAsync(WebUiContext ui, HttpContext http)
    {
        var query = http.Request.Query;
        var returnTo = ReturnTo.OrDefault(query["return_to"].ToString());
        try
        {
            if (await ui.SessionAsync(http) is not null)
            {
                return new SeeOtherResult(returnTo);
            }
        }
        catch (FerryException)
        {
            // Auth unreachable while checking an old cookie: still offer the form, the sign-in will say what is wrong.
        }

        var user = query["user"].ToString();
        return Form(ui, http, new SignInPage.Model("", returnTo, OtpRequired(ui), user.Length > 0 ? user : null, Notice: Notices.Text(query["notice"].ToString()),
            Connectors: await ConnectorsAsync(ui, http)));
    }

    private static async Task<IResult> SignInAsync(WebUiContext ui, HttpContext http, IFormCollection form)
    {
        var user = form["user"].ToString().Trim();
        var password = form["password"].ToString();
        var otp = form["otp"].ToString().Trim();
        var returnTo = ReturnTo.OrDefault(form["return_to"].ToString());
        var otpRequired = OtpRequired(ui);
        var remote = http.Connection.RemoteIpAddress?.ToString();
        if (user.Length == 0 || password.Length == 0 || (otpRequired && otp.Length == 0))
        {
            var missing = otpRequired ? "Enter your user name, password and authenticator code." : "Enter your user name and password.";
            return Form(ui, http, new SignInPage.Model("", returnTo, otpRequired, user, missing, Connectors: await ConnectorsAsync(ui, http)), StatusCodes.Status400BadRequest);
        }

        WebSession session;
        try
        {
            session = await ui.Portal.SignInAsync(user, password, otpRequired ? otp : null, remote, http.RequestAborted);
        }
        catch (FerryException e)
        {
            // The message is auth's: it never says which part was wrong or whether the user exists.
            WebUiLog.SignInRefused(ui.Logger, user, remote, e.Kind.ToString());
            return Form(ui, http, new SignInPage.Model("", returnTo, otpRequired, user, e.Message, Connectors: await ConnectorsAsync(ui, http)), ErrorKindMapping.ToHttpStatus(e.Kind));
        }

        WebUiLog.SignedIn(ui.Logger, session.User, remote);
        SessionCookie.Set(http.Response, session);
        return new SeeOtherResult(returnTo);
    }

    private static async Task<IResult> SignOutAsync(WebUiContext ui, HttpContext http, WebSession session)
    {
        await ui.Portal.SignOutAsync(session, http.RequestAborted);
        WebUiLog.SignedOut(ui.Logger, session.User);
        SessionCookie.Clear(http.Response);
        return new SeeOtherResult("/web/login?notice=" + Notices.SignedOut);
    }

    private static PageResult Form(WebUiContext ui, HttpContext http, SignInPage.Model model, int status = StatusCodes.Status200OK) =>
        new(SignInPage.Render(ui.Layout, model with { Csrf = Csrf.AnonymousToken(http) }), status);

    /// <summary>The sign-in buttons; without auth the password form is still shown (its sign-in will say what is wrong).</summary>
    private static async Task<IReadOnlyList<Core.Api.SsoConnectorInfo>> ConnectorsAsync(WebUiContext ui, HttpContext http)
    {
        try
        {
            return (await ui.Portal.ListConnectorsAsync(http.RequestAborted)).Connectors;
        }
        catch (FerryException)
        {
            return [];
        }
    }

    private static bool OtpRequired(WebUiContext ui) => string.Equals(ui.Portal.Ping.SecondFactor, "otp", StringComparison.OrdinalIgnoreCase);
}
