using System.Security.Cryptography;
using System.Text;
using Ferry.Proxy.WebSessions;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Ferry.Proxy.Web.Ui.Security;

/// <summary>
/// CSRF tokens for every form. Signed-in forms carry the session's own <see cref="WebSession.CsrfToken"/>. The
/// anonymous forms (sign-in, signup) use a double submit: a random value in a <c>__Host-</c> cookie and the same
/// value in a hidden field. Another site can make a browser send the cookie but cannot read it to fill the field,
/// and the prefix stops an app on a subdomain from planting a cookie of its own choosing.
/// </summary>
internal static class Csrf
{
    public const string FieldName = "csrf";
    public const string AnonymousCookieName = "__Host-ferry_csrf";

    /// <summary>The anonymous token for a form being rendered: the browser's existing one, or a new one set now.</summary>
    public static string AnonymousToken(HttpContext context)
    {
        if (context.Request.Cookies.TryGetValue(AnonymousCookieName, out var existing) && existing is { Length: >= 32 and <= 128 })
        {
            return existing;
        }

        var token = WebEncoders.Base64UrlEncode(RandomNumberGenerator.GetBytes(32));
        context.Response.Cookies.Append(AnonymousCookieName, token, new CookieOptions
        {
            Secure = true,
            HttpOnly = true,
            SameSite = SameSiteMode.Strict,
            Path = "/",
            IsEssential = true,
        });
        return token;
    }

    public static bool IsValidAnonymous(HttpContext context, IFormCollection form) =>
        context.Request.Cookies.TryGetValue(AnonymousCookieName, out var cookie)
        && !string.IsNullOrEmpty(cookie)
        && FixedTimeEquals(cookie, form[FieldName].ToString());

    public static bool IsValidForSession(WebSession session, IFormCollection form) =>
        FixedTimeEquals(session.CsrfToken, form[FieldName].ToString());

    /// <summary>
    /// Browsers say where a POST came from. A form on another site (Sec-Fetch-Site: cross-site) or an origin other
    /// than this host is refused before the token is even looked at. "null" is what Chromium sends under
    /// Referrer-Policy: no-referrer, so it proves nothing either way and the token decides.
    /// </summary>
    public static bool IsCrossSite(HttpRequest request)
    {
        if (string.Equals(request.Headers["Sec-Fetch-Site"].ToString(), "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        var origin = request.Headers.Origin.ToString();
        return origin.Length > 0 && origin != "null"
            && !string.Equals(origin, $"{request.Scheme}://{request.Host.Value}", StringComparison.OrdinalIgnoreCase);
    }

    private static bool FixedTimeEquals(string expected, string actual) =>
        actual.Length > 0 && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(actual));
}
