using System.Text.RegularExpressions;

namespace Ferry.Web.Tests.InProcess;

internal static partial class UiHostExtensions
{
    /// <summary>A signed-in browser: the session cookie header and the session's CSRF token.</summary>
    public static (string Cookie, string Csrf) SignedIn(this UiHost host)
    {
        var session = host.Portal.NewSession();
        return ($"__Host-ferry_web={session.CookieValue}", session.CsrfToken);
    }

    /// <summary>GET a form page and return (cookie header with the anti-forgery cookie, the form's CSRF field).</summary>
    public static async Task<(string Cookie, string Csrf)> AnonymousFormAsync(this UiHost host, string path)
    {
        using var page = await host.GetAsync(path);
        var setCookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-ferry_csrf=", StringComparison.Ordinal));
        var html = await page.Content.ReadAsStringAsync();
        return (setCookie[..setCookie.IndexOf(';', StringComparison.Ordinal)], CsrfField().Match(html).Groups[1].Value);
    }

    public static string CsrfOf(string html) => CsrfField().Match(html).Groups[1].Value;

    [GeneratedRegex("name=\"csrf\" value=\"([^\"]+)\"")]
    private static partial Regex CsrfField();
}
