using Microsoft.Playwright;

namespace Ferry.Web.Tests.Infrastructure;

/// <summary>What a person does in the web UI, as steps the tests share.</summary>
internal static class WebUiDriver
{
    /// <summary>Signs in from the sign-in page (password, then the authenticator's current code) and waits for Applications.</summary>
    public static async Task SignInAsync(IPage page, ConsoleCluster cluster, TestUser user, string path = "/web/login")
    {
        await page.GotoAsync(cluster.BaseUrl + path);
        await FillSignInAsync(page, user);
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath != "/web/login");
    }

    public static async Task FillSignInAsync(IPage page, TestUser user)
    {
        await page.FillAsync("#user", user.Name);
        await page.FillAsync("#password", user.Password);
        await page.FillAsync("#otp", await user.Device.NextCodeAsync());
        await page.ClickAsync("button:has-text('Sign in')");
    }

    public static async Task<string> SessionCookieAsync(IPage page) =>
        (await page.Context.CookiesAsync()).Single(c => c.Name == "__Host-ferry_web").Value;

    /// <summary>
    /// A hand-made form POST sent by the browser itself (fetch from the current page, so the browser adds its cookies,
    /// Origin and Sec-Fetch-* exactly as for a form), without following redirects: a redirect comes back as status 0.
    /// Playwright's own request API would not do: it runs outside the browser and ignores --host-resolver-rules.
    /// </summary>
    public static async Task<FormPostResult> PostFormAsync(IPage page, string url, IDictionary<string, string> fields)
    {
        Assert.StartsWith(new Uri(url).GetLeftPart(UriPartial.Authority), page.Url);
        var result = await page.EvaluateAsync<System.Text.Json.JsonElement>("""
            async ([url, fields]) => {
              const response = await fetch(url, { method: "POST", body: new URLSearchParams(fields), redirect: "manual", credentials: "same-origin" });
              return { status: response.status, text: response.type === "opaqueredirect" ? "" : await response.text() };
            }
            """, new object[] { url, fields });
        return new FormPostResult(result.GetProperty("status").GetInt32(), result.GetProperty("text").GetString() ?? "");
    }
}

/// <summary>What a hand-made POST got back (status 0: a redirect, not followed).</summary>
internal sealed record FormPostResult(int Status, string Text);
