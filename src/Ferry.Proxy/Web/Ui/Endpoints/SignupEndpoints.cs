using Ferry.Core.Errors;
using Ferry.Proxy.Web.Ui.Pages;
using Ferry.Proxy.Web.Ui.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Ferry.Proxy.Web.Ui.Endpoints;

/// <summary>
/// GET/POST /web/invite/{token} and /web/reset/{token}: the links `tctl users add` and `tctl users reset` print.
/// The token is the link's secret, so it is never logged (logs name the route pattern).
/// </summary>
internal static class SignupEndpoints
{
    private static readonly string Hint = "Ask an administrator for a new link: tctl users reset NAME";

    public static void Map(RouteGroupBuilder web, WebUiContext ui)
    {
        foreach (var kind in new[] { "invite", "reset" })
        {
            web.MapGet($"/{kind}/{{token}}", (HttpContext http, string token) => ShowAsync(ui, http, kind, token));
            web.MapPost($"/{kind}/{{token}}", (HttpContext http, string token) => ui.AnonymousPostAsync(http, form => CompleteAsync(ui, http, kind, token, form)));
        }
    }

    private static async Task<IResult> ShowAsync(WebUiContext ui, HttpContext http, string kind, string token)
    {
        try
        {
            var info = await ui.Portal.GetSignupAsync(token, http.RequestAborted);
            return Form(ui, http, kind, token, info, null, StatusCodes.Status200OK);
        }
        catch (FerryException e)
        {
            return LinkError(ui, e);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return ui.Failure(http, null, e);
        }
    }

    private static async Task<IResult> CompleteAsync(WebUiContext ui, HttpContext http, string kind, string token, IFormCollection form)
    {
        var password = form["password"].ToString();
        var confirm = form["password_confirm"].ToString();
        var otp = form["otp"].ToString().Trim();
        try
        {
            var info = await ui.Portal.GetSignupAsync(token, http.RequestAborted);
            if (password.Length == 0 || password != confirm)
            {
                var problem = password.Length == 0 ? "Enter a password." : "The two passwords are not the same; type them again.";
                return Form(ui, http, kind, token, info, problem, StatusCodes.Status400BadRequest);
            }

            if (info.OtpRequired && otp.Length == 0)
            {
                return Form(ui, http, kind, token, info, "Enter the 6-digit code your authenticator app shows.", StatusCodes.Status400BadRequest);
            }

            string user;
            try
            {
                user = await ui.Portal.CompleteSignupAsync(token, password, info.OtpRequired ? otp : null, http.RequestAborted);
            }
            catch (FerryException e) when (e.Kind is ErrorKind.BadParameter)
            {
                // A short password or a wrong code: the same form again, with auth's words for what to fix.
                return Form(ui, http, kind, token, info, e.Message, StatusCodes.Status400BadRequest);
            }

            WebUiLog.SignupCompleted(ui.Logger, kind, user);
            return new SeeOtherResult($"/web/login?notice={Notices.PasswordSet}&user={Uri.EscapeDataString(user)}");
        }
        catch (FerryException e)
        {
            return LinkError(ui, e);
        }
    }

    private static PageResult Form(WebUiContext ui, HttpContext http, string kind, string token, Core.Api.SignupInfoResponse info, string? error, int status)
    {
        var action = $"/web/{kind}/{Uri.EscapeDataString(token)}";
        return new PageResult(SignupPage.Render(ui.Layout, new SignupPage.Model(action, info, Csrf.AnonymousToken(http), error)), status);
    }

    private static IResult LinkError(WebUiContext ui, FerryException e)
    {
        var view = e.Kind == ErrorKind.NotFound
            ? new ErrorView(StatusCodes.Status404NotFound, "This link does not work", e.Message,
                e.Message.Contains("tctl users reset", StringComparison.Ordinal) ? null : Hint, "/web/login", "Go to sign in")
            : ErrorView.From(e) with { ActionHref = "/web/login", ActionText = "Go to sign in" };
        return ui.Error(null, view);
    }
}
