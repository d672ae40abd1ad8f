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

    /// <summary>A POST the way a browser sends a form, from the page's own profile (its cookies), without following redirects.</summary>
    public static Task<IAPIResponse> PostFormAsync(IPage page, string url, IDictionary<string, string> fields) =>
        page.Context.APIRequest.PostAsync(url, new APIRequestContextOptions
        {
            Form = FormOf(page, fields),
            MaxRedirects = 0,
            IgnoreHTTPSErrors = true,
        });

    private static IFormData FormOf(IPage page, IDictionary<string, string> fields)
    {
        var form = page.Context.APIRequest.CreateFormData();
        foreach (var (name, value) in fields)
        {
            form.Set(name, value);
        }

        return form;
    }
}
