using Ferry.Integration.Tests.Infrastructure;
using Ferry.Web.Tests.Infrastructure;

namespace Ferry.Web.Tests.Browser;

/// <summary>The audit page's filters (user, type, AWS service and operation, time window) narrow the events, and each event's fields are one click away.</summary>
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

    [Fact]
    public async Task ServiceAndOperationFilters_ShowOnlyThoseAwsRequests_WithTheOperationInTheSummary()
    {
        // Two AWS calls through the real agent (moto behind it): DynamoDB ListTables and STS GetCallerIdentity.
        var cluster = _fixture.Cluster;
        var odile = await cluster.AddUserAsync("odile", "access,auditor,aws-dynamodb-access");
        var env = cluster.TshEnvironment("home-audit-odile");
        var otp = await odile.Device.NextCodeAsync();
        (await Run.CommandAsync(Binaries.Tsh, ["login", $"--proxy=127.0.0.1:{cluster.WebPort}", "--user=odile", "--insecure"], env, stdin: $"{odile.Password}\n{otp}\n"))
            .EnsureSuccess("tsh login");
        (await Run.CommandAsync(Binaries.Tsh, ["apps", "login", ConsoleCluster.AppName, "--aws-role", ConsoleCluster.RoleArn], env)).EnsureSuccess("tsh apps login");
        (await Run.CommandAsync(Binaries.Tsh, ["aws", "dynamodb", "list-tables"], env)).EnsureSuccess("tsh aws dynamodb list-tables");
        (await Run.CommandAsync(Binaries.Tsh, ["aws", "sts", "get-caller-identity"], env)).EnsureSuccess("tsh aws sts get-caller-identity");
        await WaitForEventAsync(cluster, "dynamodb", "ListTables");
        await WaitForEventAsync(cluster, "sts", "GetCallerIdentity");

        // The form's service (any case) and operation fields.
        var page = await _fixture.NewPageAsync();
        await WebUiDriver.SignInAsync(page, cluster, odile);
        await page.GotoAsync(cluster.BaseUrl + "/web/audit?user=odile");
        await page.FillAsync("#f-service", "DynamoDB");
        await page.FillAsync("#f-operation", "ListTables");
        await page.ClickAsync("[data-testid=audit-filters] button:has-text('Apply')");
        await page.WaitForURLAsync(url => url.Contains("operation=ListTables", StringComparison.Ordinal));
        var rows = page.Locator("[data-testid=audit-row]");
        Assert.True(await rows.CountAsync() >= 1);
        var summaries = await rows.Locator(".summary").AllTextContentsAsync();
        Assert.All(summaries, s => Assert.Matches(@"aws_service\s+dynamodb", s));
        Assert.All(summaries, s => Assert.Matches(@"aws_operation\s+ListTables", s));
        Assert.Equal("dynamodb", await page.InputValueAsync("#f-service"));
        Assert.Equal("ListTables", await page.InputValueAsync("#f-operation"));

        // The other service's request is one field away.
        await page.FillAsync("#f-service", "sts");
        await page.FillAsync("#f-operation", "GetCallerIdentity");
        await page.ClickAsync("[data-testid=audit-filters] button:has-text('Apply')");
        await page.WaitForURLAsync(url => url.Contains("operation=GetCallerIdentity", StringComparison.Ordinal));
        Assert.All(await page.Locator("[data-testid=audit-row] .summary").AllTextContentsAsync(), s => Assert.Matches(@"aws_operation\s+GetCallerIdentity", s));

        // A malformed operation is refused with what to type instead.
        await page.FillAsync("#f-operation", "Get Caller Identity");
        var refused = await page.RunAndWaitForResponseAsync(
            () => page.ClickAsync("[data-testid=audit-filters] button:has-text('Apply')"), response => response.Url.Contains("/web/audit?", StringComparison.Ordinal));
        Assert.Equal(400, refused.Status);
        var text = await page.TextContentAsync("body");
        Assert.Contains("is not an AWS operation name", text);
        Assert.Contains("such as PutObject", text);
    }

    /// <summary>Agents send audit in batches: waits (to a deadline) until auth's search, with these filters, finds the user's request.</summary>
    private static async Task WaitForEventAsync(ConsoleCluster cluster, string service, string operation)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var listed = (await cluster.TctlAsync("audit", "ls", "--user=odile", "--service=" + service, "--operation=" + operation, "--format=json"))
                .EnsureSuccess("tctl audit ls");
            if (System.Text.Json.JsonDocument.Parse(listed.Stdout).RootElement.GetArrayLength() > 0)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {service} {operation} event of odile in the audit log");
            await Task.Delay(200);
        }
    }
}
