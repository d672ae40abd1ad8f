using Ferry.Web.Tests.Infrastructure;

namespace Ferry.Web.Tests.Browser;

/// <summary>Every state-changing request needs the form's CSRF token; without it nothing happens (launch is covered in LaunchAccessTests).</summary>
[Collection(ConsoleCollection.Name)]
public sealed class CsrfTests
{
    private readonly ConsoleFixture _fixture;

    public CsrfTests(ConsoleFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task SignIn_WithoutTheFormToken_IsRefused_EvenWithTheRightPassword()
    {
        var cluster = _fixture.Cluster;
        var hana = await cluster.AddUserAsync("hana", "access");
        var page = await _fixture.NewPageAsync();
        var fields = new Dictionary<string, string> { ["user"] = hana.Name, ["password"] = hana.Password, ["otp"] = await hana.Device.NextCodeAsync() };

        // No anti-forgery cookie and no field (the browser never opened the sign-in page).
        await page.GotoAsync(cluster.BaseUrl + "/web/no-such-page");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__Host-ferry_csrf");
        var bare = await WebUiDriver.PostFormAsync(page, cluster.BaseUrl + "/web/login", fields);
        Assert.Equal(403, bare.Status);
        Assert.Contains("Form expired", bare.Text);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__Host-ferry_web");

        // The browser has the cookie (it opened the page) but the post lacks the field, or carries another value.
        await page.GotoAsync(cluster.BaseUrl + "/web/login");
        Assert.Equal(403, (await WebUiDriver.PostFormAsync(page, cluster.BaseUrl + "/web/login", fields)).Status);
        Assert.Equal(403, (await WebUiDriver.PostFormAsync(page, cluster.BaseUrl + "/web/login", new Dictionary<string, string>(fields) { ["csrf"] = "guess" })).Status);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__Host-ferry_web");

        // The page's own form works.
        await WebUiDriver.FillSignInAsync(page, hana);
        await page.WaitForURLAsync(cluster.BaseUrl + "/web/apps");
    }

    [Fact]
    public async Task SignOut_WithoutTheToken_IsRefused_AndTheSessionLives()
    {
        var cluster = _fixture.Cluster;
        var ivan = await cluster.AddUserAsync("ivan", "access");
        var page = await _fixture.NewPageAsync();
        await WebUiDriver.SignInAsync(page, cluster, ivan);

        var refused = await WebUiDriver.PostFormAsync(page, cluster.BaseUrl + "/web/logout", new Dictionary<string, string>());
        Assert.Equal(403, refused.Status);

        var apps = await page.GotoAsync(cluster.BaseUrl + "/web/apps");
        Assert.Equal(200, apps!.Status);
        Assert.Equal(cluster.BaseUrl + "/web/apps", page.Url);
    }

    [Fact]
    public async Task AnotherSitesForm_CannotSignOut_OrLaunch()
    {
        var cluster = _fixture.Cluster;
        var jay = await cluster.AddUserAsync("jay", "access,aws-dynamodb-access");
        var page = await _fixture.NewPageAsync();
        await WebUiDriver.SignInAsync(page, cluster, jay);
        var grants = cluster.Federation!.Grants.Count;

        // An attacker's page (served by the test in place of http://evil.test) auto-submits forms to Ferry.
        foreach (var (action, fields) in new[]
        {
            ("/web/logout", ""),
            ("/web/apps/aws-dynamodb/launch", $"<input name=\"arn\" value=\"{ConsoleCluster.RoleArn}\">"),
        })
        {
            await page.RouteAsync("http://evil.test/**", route => route.FulfillAsync(new()
            {
                ContentType = "text/html",
                Body = $"<form method=\"post\" action=\"{cluster.BaseUrl}{action}\"><input name=\"csrf\" value=\"guess\">{fields}</form><script>document.forms[0].submit()</script>",
            }));
            await page.GotoAsync("http://evil.test/attack");
            await page.WaitForURLAsync(url => url.StartsWith(cluster.BaseUrl, StringComparison.Ordinal));
            await page.UnrouteAllAsync();
        }

        // SameSite=Lax kept the session cookie off both cross-site posts: still signed in, nothing launched.
        await page.GotoAsync(cluster.BaseUrl + "/web/apps");
        Assert.Equal(cluster.BaseUrl + "/web/apps", page.Url);
        Assert.Equal(grants, cluster.Federation.Grants.Count);
    }

    [Fact]
    public async Task Signup_WithoutTheToken_IsRefused_AndTheLinkStillWorks()
    {
        var cluster = _fixture.Cluster;
        var link = await cluster.InviteAsync("jules", "access");
        var page = await _fixture.NewPageAsync();
        await page.GotoAsync(link);

        var refused = await WebUiDriver.PostFormAsync(page, link,
            new Dictionary<string, string> { ["password"] = "jules-attacker-chosen", ["password_confirm"] = "jules-attacker-chosen", ["otp"] = "123456" });
        Assert.Equal(403, refused.Status);

        var again = await page.GotoAsync(link);
        Assert.Equal(200, again!.Status);
        Assert.Equal("jules", await page.TextContentAsync("[data-testid=signup-user]"));
    }
}
