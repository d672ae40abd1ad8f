using System.Text.RegularExpressions;
using Ferry.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ferry.Web.Tests.Browser;

/// <summary>Sessions in the browser: no session or an ended one goes to sign-in (and back), and sign-out ends both the web and the app session.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SessionTests
{
    private readonly ConsoleFixture _fixture;

    public SessionTests(ConsoleFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task NoSession_GoesToSignIn_AndBackToTheSamePageAfterwards()
    {
        var cluster = _fixture.Cluster;
        var dana = await cluster.AddUserAsync("dana", "access,aws-dynamodb-access");
        var page = await _fixture.NewPageAsync();

        await page.GotoAsync(cluster.BaseUrl + "/");
        Assert.Equal(cluster.BaseUrl + "/web/login", page.Url);

        await page.GotoAsync(cluster.BaseUrl + "/web/apps/aws-dynamodb/launch");
        Assert.Equal(cluster.BaseUrl + "/web/login?return_to=%2Fweb%2Fapps%2Faws-dynamodb%2Flaunch", page.Url);
        await WebUiDriver.FillSignInAsync(page, dana);
        await page.WaitForURLAsync(cluster.BaseUrl + "/web/apps/aws-dynamodb/launch");
        Assert.Equal(2, await page.Locator("[data-testid=role-option]").CountAsync());

        // Signed in, / and /web go to Applications.
        await page.GotoAsync(cluster.BaseUrl + "/web");
        Assert.Equal(cluster.BaseUrl + "/web/apps", page.Url);
    }

    [Fact]
    public async Task ReturnTo_OutsideWeb_IsIgnored_NoOpenRedirect()
    {
        var cluster = _fixture.Cluster;
        var evan = await cluster.AddUserAsync("evan", "access");
        var page = await _fixture.NewPageAsync();

        await page.GotoAsync(cluster.BaseUrl + "/web/login?return_to=" + Uri.EscapeDataString("https://evil.example/web/apps"));
        await WebUiDriver.FillSignInAsync(page, evan);
        await page.WaitForURLAsync(cluster.BaseUrl + "/web/apps");

        // Already signed in, the sign-in page redirects at once: still only to local /web/ paths.
        foreach (var target in new[] { "//evil.example/web/", "/web/..//evil.example", "/\\evil.example", "javascript:alert(1)" })
        {
            await page.GotoAsync(cluster.BaseUrl + "/web/login?return_to=" + Uri.EscapeDataString(target));
            Assert.Equal(cluster.BaseUrl + "/web/apps", page.Url);
        }
    }

    [Fact]
    public async Task ExpiredSession_GoesBackToSignIn_WithANotice()
    {
        var cluster = _fixture.Cluster;
        var fay = await cluster.AddUserAsync("fay", "access,short-session"); // max_session_ttl: 5s
        var page = await _fixture.NewPageAsync();
        await WebUiDriver.SignInAsync(page, cluster, fay);
        Assert.Equal(cluster.BaseUrl + "/web/apps", page.Url);

        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "__Host-ferry_web");
        await Task.Delay(TimeSpan.FromSeconds(6));

        // The cookie expired with the session, so the browser no longer sends it: plain sign-in, coming back here.
        await page.GotoAsync(cluster.BaseUrl + "/web/apps?q=dynamo");
        Assert.Equal(cluster.BaseUrl + "/web/login?return_to=%2Fweb%2Fapps%3Fq%3Ddynamo", page.Url);

        // A browser that kept it anyway (say, its clock is behind): Ferry refuses the session, drops the cookie and says why.
        await page.Context.AddCookiesAsync([new Cookie
        {
            Name = cookie.Name, Value = cookie.Value, Domain = cookie.Domain, Path = "/", Secure = true, HttpOnly = true, SameSite = SameSiteAttribute.Lax,
            Expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds(),
        }]);
        await page.GotoAsync(cluster.BaseUrl + "/web/apps?q=dynamo");
        Assert.Equal(cluster.BaseUrl + "/web/login?return_to=%2Fweb%2Fapps%3Fq%3Ddynamo&notice=expired", page.Url);
        Assert.Contains("session has ended", await page.TextContentAsync("[data-testid=notice]"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__Host-ferry_web");
        await Screenshots.SaveAsync(page, "session-expired");
    }

    [Fact]
    public async Task SignOut_EndsTheWebSession_AndTheAppSession()
    {
        var cluster = _fixture.Cluster;
        var gus = await cluster.AddUserAsync("gus", "access,aws-dynamodb-access");
        var page = await _fixture.NewPageAsync();
        await WebUiDriver.SignInAsync(page, cluster, gus);
        await page.GotoAsync(cluster.BaseUrl + "/web/apps/aws-dynamodb/launch");
        await page.ClickAsync($"[data-testid=role-option][data-arn='{ConsoleCluster.RoleArn}']");
        await page.WaitForURLAsync(url => url.StartsWith(cluster.Federation!.BaseUrl, StringComparison.Ordinal));
        var cookies = await page.Context.CookiesAsync();
        var webCookie = cookies.Single(c => c.Name == "__Host-ferry_web");
        var appCookie = cookies.Single(c => c.Name == "__Host-ferry_app");
        Assert.StartsWith("aws-dynamodb.", appCookie.Domain);
        Assert.True(webCookie.Secure && webCookie.HttpOnly && webCookie.SameSite == SameSiteAttribute.Lax && webCookie.Path == "/");

        // Before sign-out, the app cookie alone opens the console again (so the check below means something).
        Assert.StartsWith(cluster.Federation!.BaseUrl, await OpenAppWithAsync(appCookie));

        await page.GotoAsync(cluster.BaseUrl + "/web/apps");
        await page.ClickAsync("button:has-text('Sign out')");
        await page.WaitForURLAsync(new Regex("/web/login\\?notice=signed_out$"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__Host-ferry_web");
        await Screenshots.SaveAsync(page, "signed-out");

        // The old cookies no longer work: the web one goes to sign-in, the app one back to the launch page (and on to sign-in).
        var stale = await _fixture.NewPageAsync();
        await stale.Context.AddCookiesAsync([ToCookie(webCookie)]);
        await stale.GotoAsync(cluster.BaseUrl + "/web/apps");
        Assert.StartsWith(cluster.BaseUrl + "/web/login", stale.Url);
        Assert.Equal(cluster.BaseUrl + "/web/login?return_to=%2Fweb%2Fapps%2Faws-dynamodb%2Flaunch", await OpenAppWithAsync(appCookie));
    }

    /// <summary>Opens the app's host in a fresh profile holding only <paramref name="appCookie"/>; returns where the browser ends up.</summary>
    private async Task<string> OpenAppWithAsync(BrowserContextCookiesResult appCookie)
    {
        var page = await _fixture.NewPageAsync();
        await page.Context.AddCookiesAsync([ToCookie(appCookie)]);
        await page.GotoAsync($"https://{appCookie.Domain}:{_fixture.Cluster.WebPort}/");
        var url = page.Url;
        await page.Context.CloseAsync();
        return url;
    }

    private static Cookie ToCookie(BrowserContextCookiesResult c) => new()
    {
        Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Secure = c.Secure, HttpOnly = c.HttpOnly, SameSite = c.SameSite, Expires = c.Expires,
    };
}
