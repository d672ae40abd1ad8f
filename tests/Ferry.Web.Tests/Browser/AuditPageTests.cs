using Ferry.Web.Tests.Infrastructure;

namespace Ferry.Web.Tests.Browser;

/// <summary>The audit page's filters (user, type, time window) narrow the events, and each event's fields are one click away.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class AuditPageTests
{
    private readonly ConsoleFixture _fixture;

    public AuditPageTests(ConsoleFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task Filters_NarrowTheEvents_AndDetailsShowEveryField()
    {
        var cluster = _fixture.Cluster;
        var mona = await cluster.AddUserAsync("mona", "access,auditor");
        var page = await _fixture.NewPageAsync();
        await WebUiDriver.SignInAsync(page, cluster, mona);
        await page.ClickAsync("nav a:has-text('Audit')");
        await page.WaitForURLAsync(cluster.BaseUrl + "/web/audit");
        Assert.True(await page.Locator("[data-testid=audit-row]").CountAsync() > 1);

        // Typing a user and choosing a type (the select submits the form by itself).
        await page.FillAsync("#f-user", "mona");
        await page.SelectOptionAsync("#f-type", "user.login");
        await page.WaitForURLAsync(url => url.Contains("type=user.login", StringComparison.Ordinal));
        Assert.Contains("user=mona", page.Url);
        var rows = page.Locator("[data-testid=audit-row]");
        Assert.True(await rows.CountAsync() >= 1);
        Assert.All(await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.event)"), type => Assert.Equal("user.login", type));
        Assert.Equal("mona", (await rows.First.Locator("td").Nth(2).TextContentAsync())!.Trim());

        // The JSON of the event, with its code and success.
        await rows.First.Locator("details summary").ClickAsync();
        var json = await rows.First.Locator("details pre").TextContentAsync();
        Assert.Contains("\"code\": \"T1000I\"", json);
        Assert.Contains("\"user\": \"mona\"", json);

        // Another user's events are not in this filter; an empty result says so.
        await page.GotoAsync(cluster.BaseUrl + "/web/audit?user=nobody-here&since=15m");
        Assert.True(await page.IsVisibleAsync("[data-testid=audit-empty]"));
        Assert.Equal("15m", await page.InputValueAsync("#f-since"));
    }
}
