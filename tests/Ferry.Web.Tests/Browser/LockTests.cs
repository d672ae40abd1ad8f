using System.Diagnostics;
using Ferry.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ferry.Web.Tests.Browser;

/// <summary>
/// A lock reaches the browser too: the app session already open (its cookie on the app's host) and the web UI are
/// refused within a second with the lock's message, and lifting the lock lets the same session in again.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LockTests
{
    private readonly ConsoleFixture _fixture;

    public LockTests(ConsoleFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task LockedUser_BrowserAppSessionAndWebUiAreRefusedWithinASecond_AndLiftingTheLockRestoresThem()
    {
        var cluster = _fixture.Cluster;
        var hal = await cluster.AddUserAsync("hal", "access,aws-dynamodb-access");
        var page = await _fixture.NewPageAsync();
        await WebUiDriver.SignInAsync(page, cluster, hal);
        await page.GotoAsync(cluster.BaseUrl + "/web/apps/aws-dynamodb/launch");
        await page.ClickAsync($"[data-testid=role-option][data-arn='{ConsoleCluster.RoleArn}']");
        await page.WaitForURLAsync(url => url.StartsWith(cluster.Federation!.BaseUrl, StringComparison.Ordinal));
        var appUrl = $"https://{(await page.Context.CookiesAsync()).Single(c => c.Name == "__Host-ferry_app").Domain}:{cluster.WebPort}/";

        var locked = (await cluster.TctlAsync("lock", "--user=hal", "--message=Badge revoked at reception")).EnsureSuccess("tctl lock");
        var since = Stopwatch.StartNew();
        IResponse? refused = null;
        while (since.Elapsed < TimeSpan.FromSeconds(5))
        {
            refused = await page.GotoAsync(appUrl);
            if (refused!.Status == 403)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(403, refused!.Status);
        Assert.True(since.Elapsed <= TimeSpan.FromSeconds(1.5), $"the browser's app session was refused only after {since.ElapsedMilliseconds} ms");
        Assert.Contains("Badge revoked at reception", await refused.TextAsync());

        var ui = await page.GotoAsync(cluster.BaseUrl + "/web/apps");
        Assert.Equal(403, ui!.Status);
        Assert.Contains("Badge revoked at reception", await page.TextContentAsync("[data-testid=error-message]"));
        await Screenshots.SaveAsync(page, "locked-user");

        var name = System.Text.RegularExpressions.Regex.Match(locked.Stdout, "name \"(?<n>[^\"]+)\"").Groups["n"].Value;
        (await cluster.TctlAsync("rm", "lock/" + name)).EnsureSuccess("tctl rm lock");
        var again = Stopwatch.StartNew();
        while (again.Elapsed < TimeSpan.FromSeconds(5) && !(await page.GotoAsync(appUrl))!.Url.StartsWith(cluster.Federation!.BaseUrl, StringComparison.Ordinal))
        {
            await Task.Delay(50);
        }

        Assert.StartsWith(cluster.Federation!.BaseUrl, page.Url);
    }
}
