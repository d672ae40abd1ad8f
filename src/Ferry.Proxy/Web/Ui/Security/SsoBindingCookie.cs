using Ferry.Core.Security;
using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Web.Ui.Security;

/// <summary>
/// Binds a browser login to the browser that started it: a random value set when the sign-in button is pressed, whose
/// hash auth keeps with the login. The identity provider's answer is accepted only with the cookie, so an answer made
/// for someone else's login cannot be pushed into this browser (login CSRF). SameSite=None because SAML's answer is a
/// cross-site form POST, which Lax cookies do not accompany; the cookie holds nothing but that one-login value.
/// </summary>
internal static class SsoBindingCookie
{
    public const string Name = "__Host-ferry_sso";

    public static string Set(HttpResponse response)
    {
        var value = Secrets.New();
        response.Cookies.Append(Name, value, Options(TimeSpan.FromMinutes(10)));
        return value;
    }

    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var value) && !string.IsNullOrEmpty(value) ? value : null;

    public static void Clear(HttpResponse response) => response.Cookies.Append(Name, "", Options(TimeSpan.Zero));

    private static CookieOptions Options(TimeSpan maxAge) => new()
    {
        Secure = true,
        HttpOnly = true,
        SameSite = SameSiteMode.None,
        Path = "/",
        MaxAge = maxAge,
        IsEssential = true,
    };
}
