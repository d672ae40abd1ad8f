using Ferry.Web.Tests.Infrastructure;

namespace Ferry.Web.Tests.Browser;

/// <summary>
/// Who may launch what: a user whose roles allow no IAM role for the app sees none (and is told how to get one), and
/// a launch request the page did not offer (an ARN the user may not use, or no CSRF token) is refused without
/// starting an app session or reaching AWS.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed class LaunchAccessTests
{
    private readonly ConsoleFixture _fixture;

    public LaunchAccessTests(ConsoleFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task UserWithoutTheArn_SeesNoRole_AndAForgedLaunchWithItIsRefused()
    {
        var cluster = _fixture.Cluster;
        var bob = await cluster.AddUserAsync("bob", "access,apps-only");
        var page = await _fixture.NewPageAsync();
        await WebUiDriver.SignInAsync(page, cluster, bob);

        // The app is listed (bob's labels match) but the picker has no role, and says how to get one.
        Assert.Equal(1, await page.Locator("[data-testid=app-row][data-app=aws-dynamodb]").CountAsync());
        Assert.False(await page.IsVisibleAsync("nav a:has-text('Audit')"), "no Audit link without the auditor role");
        await page.GotoAsync(cluster.BaseUrl + "/web/apps/aws-dynamodb/launch");
        Assert.Equal(0, await page.Locator("[data-testid=role-option]").CountAsync());
        Assert.DoesNotContain(ConsoleCluster.RoleArn, await page.ContentAsync());
        Assert.Contains("aws_role_arns", await page.TextContentAsync("[data-testid=no-roles]"));
        await Screenshots.SaveAsync(page, "role-picker-no-roles");

        // A hand-made launch with the guide's ARN and bob's own valid CSRF token: auth refuses it.
        var grants = cluster.Federation!.Grants.Count;
        var forged = await WebUiDriver.PostFormAsync(page, cluster.BaseUrl + "/web/apps/aws-dynamodb/launch",
            new Dictionary<string, string> { ["csrf"] = await CsrfAsync(page), ["arn"] = ConsoleCluster.RoleArn });
        Assert.Equal(403, forged.Status);
        Assert.Contains("Access denied", forged.Text);
        Assert.Equal(grants, cluster.Federation.Grants.Count);

        // The audit page is not his either.
        var audit = await page.GotoAsync(cluster.BaseUrl + "/web/audit");
        Assert.Equal(403, audit!.Status);
        Assert.Contains("do not allow reading the audit log", await page.TextContentAsync("[data-testid=error-message]"));
        await Screenshots.SaveAsync(page, "audit-forbidden");
    }

    [Fact]
    public async Task ForgedLaunch_WithAnArnTheUserMayNotUse_OrWithoutCsrf_IsRefused()
    {
        var cluster = _fixture.Cluster;
        var carl = await cluster.AddUserAsync("carl", "access,aws-dynamodb-access");
        var page = await _fixture.NewPageAsync();
        await WebUiDriver.SignInAsync(page, cluster, carl);
        var grants = cluster.Federation!.Grants.Count;
        var launch = cluster.BaseUrl + "/web/apps/aws-dynamodb/launch";

        var otherArn = await WebUiDriver.PostFormAsync(page, launch,
            new Dictionary<string, string> { ["csrf"] = await CsrfAsync(page), ["arn"] = "arn:aws:iam::123456789000:role/Administrator" });
        Assert.Equal(403, otherArn.Status);

        var noCsrf = await WebUiDriver.PostFormAsync(page, launch, new Dictionary<string, string> { ["arn"] = ConsoleCluster.RoleArn });
        Assert.Equal(403, noCsrf.Status);
        Assert.Contains("Form expired", noCsrf.Text);

        var wrongCsrf = await WebUiDriver.PostFormAsync(page, launch,
            new Dictionary<string, string> { ["csrf"] = "not-the-token", ["arn"] = ConsoleCluster.RoleArn });
        Assert.Equal(403, wrongCsrf.Status);

        // Nothing reached AWS, and no app session was started for carl.
        Assert.Equal(grants, cluster.Federation.Grants.Count);
        var audit = (await cluster.TctlAsync("audit", "ls", "--type=app.session.start", "--user=carl", "--format=json")).EnsureSuccess("audit ls");
        using (var events = System.Text.Json.JsonDocument.Parse(audit.Stdout))
        {
            Assert.DoesNotContain(events.RootElement.EnumerateArray(), e => e.GetProperty("success").GetBoolean());
        }

        // The real form still works: the refusals changed nothing.
        await page.GotoAsync(launch);
        await page.ClickAsync($"[data-testid=role-option][data-arn='{ConsoleCluster.RoleArn}']");
        await page.WaitForURLAsync(url => url.StartsWith(cluster.Federation.BaseUrl, StringComparison.Ordinal));
        Assert.EndsWith("assumed-role/ExampleTeleportDynamoDBRole/carl", await page.TextContentAsync("#federated-user"));
    }

    private static async Task<string> CsrfAsync(Microsoft.Playwright.IPage page)
    {
        await page.GotoAsync(page.Url);
        return await page.InputValueAsync("form[action='/web/logout'] input[name=csrf]");
    }
}
