using Ferry.Proxy.WebSessions;
using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Web.Ui.Security;

/// <summary>
/// The web session cookie. The <c>__Host-</c> prefix makes the browser insist on Secure, Path=/ and no Domain, so
/// an app served on a subdomain (<c>app.proxy-host</c>) can neither read nor overwrite it. HttpOnly keeps it from
/// scripts; SameSite=Lax keeps it off cross-site POSTs while still sending it when a link from elsewhere opens a page.
/// </summary>
internal static class SessionCookie
{
    public const string Name = "__Host-ferry_web";

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static void Set(HttpResponse response, WebSession session) =>
        response.Cookies.Append(Name, session.CookieValue, Options(session.Expires));

    /// <summary>Max-Age=0 with the same attributes, which is what makes the browser drop the cookie.</summary>
    public static void Clear(HttpResponse response)
    {
        var options = Options(null);
        options.MaxAge = TimeSpan.Zero;
        options.Expires = DateTimeOffset.UnixEpoch;
        response.Cookies.Append(Name, "", options);
    }

    private static CookieOptions Options(DateTimeOffset? expires) => new()
    {
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Path = "/",
        Domain = null,
        Expires = expires,
        IsEssential = true,
    };
}
