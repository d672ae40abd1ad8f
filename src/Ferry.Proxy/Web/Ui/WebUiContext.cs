using Ferry.Core.Errors;
using Ferry.Proxy.Web.Ui.Pages;
using Ferry.Proxy.Web.Ui.Security;
using Ferry.Proxy.WebSessions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace Ferry.Proxy.Web.Ui;

/// <summary>
/// What every page handler shares, and the three request shapes they come in:
/// <list type="bullet">
/// <item><see cref="SignedInAsync"/>: a page that needs a session; without one the browser goes to sign-in and back.</item>
/// <item><see cref="SignedInPostAsync"/>: a state change by a signed-in browser; refused unless it carries the session's CSRF token.</item>
/// <item><see cref="AnonymousPostAsync"/>: sign-in and signup forms; refused unless the double-submit token matches.</item>
/// </list>
/// Each turns failures into an error page: FerryException messages are shown, anything else is logged and reported generically.
/// </summary>
internal sealed class WebUiContext
{
    private const string SessionItem = "Ferry.WebUi.Session";

    public WebUiContext(IWebPortal portal, Layout layout, ILogger logger, TimeProvider time)
    {
        Portal = portal;
        Layout = layout;
        Logger = logger;
        Time = time;
    }

    public IWebPortal Portal { get; }
    public Layout Layout { get; }
    public ILogger Logger { get; }
    public TimeProvider Time { get; }

    /// <summary>
    /// A handler as a <see cref="Delegate"/>: a lambda taking only HttpContext would otherwise bind to the RequestDelegate
    /// overload of MapGet/MapPost, which drops the returned IResult (analyzer ASP0016).
    /// </summary>
    public static Delegate Handler(Func<HttpContext, Task<IResult>> handler) => handler;

    /// <summary>The live session named by the cookie, looked up once per request.</summary>
    public async Task<WebSession?> SessionAsync(HttpContext http)
    {
        if (http.Items.TryGetValue(SessionItem, out var cached))
        {
            return cached as WebSession;
        }

        var session = await Portal.FindSessionAsync(SessionCookie.Read(http.Request), http.RequestAborted);
        http.Items[SessionItem] = session;
        return session;
    }

    public async Task<IResult> SignedInAsync(HttpContext http, Func<WebSession, Task<IResult>> page)
    {
        WebSession? session = null;
        try
        {
            session = await SessionAsync(http);
            return session is null ? ToSignIn(http) : await page(session);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            return Failure(http, session, e);
        }
    }

    public async Task<IResult> SignedInPostAsync(HttpContext http, Func<WebSession, IFormCollection, Task<IResult>> action)
    {
        WebSession? session = null;
        try
        {
            session = await SessionAsync(http);
            if (session is null)
            {
                // Nothing was changed: sign in again (no return_to for a POST). The cookie is deliberately left alone:
                // a cross-site form arrives without the SameSite=Lax cookie, and clearing it here would let any site
                // sign a user out.
                return new SeeOtherResult("/web/login");
            }

            var form = await ReadFormAsync(http);
            if (form is null || Csrf.IsCrossSite(http.Request) || !Csrf.IsValidForSession(session, form))
            {
                return Refuse(http, session, form is null ? "not a form post" : "missing or wrong CSRF token");
            }

            return await action(session, form);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            return Failure(http, session, e);
        }
    }

    public async Task<IResult> AnonymousPostAsync(HttpContext http, Func<IFormCollection, Task<IResult>> action)
    {
        try
        {
            var form = await ReadFormAsync(http);
            if (form is null || Csrf.IsCrossSite(http.Request) || !Csrf.IsValidAnonymous(http, form))
            {
                return Refuse(http, null, form is null ? "not a form post" : "missing or wrong CSRF token");
            }

            return await action(form);
        }
        catch (Exception e) when (e is not OperationCanceledException || !http.RequestAborted.IsCancellationRequested)
        {
            return Failure(http, null, e);
        }
    }

    /// <summary>303 to sign-in, coming back to this page (path and query) afterwards.</summary>
    public static IResult ToSignIn(HttpContext http)
    {
        var here = http.Request.Path.Value + http.Request.QueryString.Value;
        if (SessionCookie.Read(http.Request) is null)
        {
            return new SeeOtherResult(ReturnTo.SignInUrl(here));
        }

        // An expired or signed-out session: drop the dead cookie and say why the user is asked again.
        SessionCookie.Clear(http.Response);
        return new SeeOtherResult(ReturnTo.SignInUrl(here, Endpoints.Notices.Expired));
    }

    public IResult Error(WebSession? session, ErrorView view) => new PageResult(ErrorPage.Render(Layout, session, view), view.Status);

    public IResult Failure(HttpContext http, WebSession? session, Exception exception)
    {
        if (exception is FerryException ferry)
        {
            WebUiLog.Refused(Logger, Route(http), session?.User, ferry.Kind.ToString(), ferry.Message);
            return Error(session, ErrorView.From(ferry));
        }

        if (exception is BadHttpRequestException bad)
        {
            return Error(session, new ErrorView(bad.StatusCode, "Bad request", "The browser sent a request Ferry cannot read.", "Go back and try again."));
        }

        WebUiLog.Unexpected(Logger, http.Request.Method, Route(http), exception);
        return Error(session, ErrorView.Unexpected());
    }

    private IResult Refuse(HttpContext http, WebSession? session, string reason)
    {
        WebUiLog.CsrfRefused(Logger, http.Request.Method, Route(http), reason);
        return Error(session, ErrorView.FormRefused());
    }

    private static async Task<IFormCollection?> ReadFormAsync(HttpContext http) =>
        http.Request.HasFormContentType ? await http.Request.ReadFormAsync(http.RequestAborted) : null;

    /// <summary>The route pattern, not the path: paths of signup pages hold the link's secret token.</summary>
    public static string Route(HttpContext http) => (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "/web";
}
