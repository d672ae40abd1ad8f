using System.Text.RegularExpressions;
using Ferry.Web.Tests.Infrastructure;
using Microsoft.Playwright;

namespace Ferry.Web.Tests.Browser;

/// <summary>
/// The guide's Step 5 in a real browser: a new user follows the signup link from `tctl users add`, enrols TOTP from
/// the QR page, signs in, finds the app on Applications, launches it, picks the IAM role and lands on the AWS sign-in
/// endpoint's Destination, signed in as assumed-role/ExampleTeleportDynamoDBRole/&lt;user&gt; (checked against moto by
/// the federation stand-in).
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class ConsoleWalkthroughTests
{
    private readonly ConsoleFixture _fixture;

    public ConsoleWalkthroughTests(ConsoleFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task NewUser_SignsUpWithTotp_SignsIn_AndLaunchesTheConsoleAsTheChosenRole()
    {
        var cluster = _fixture.Cluster;
        var page = await _fixture.NewPageAsync();

        // 1. The signup link printed by tctl users add: set a password and enrol TOTP from the QR code.
        var link = await cluster.InviteAsync("alice", "access,aws-dynamodb-access,auditor");
        Assert.StartsWith($"https://{cluster.PublicAddr}/web/invite/", link);
        await page.GotoAsync(link);
        Assert.Equal("alice", await page.TextContentAsync("[data-testid=signup-user]"));
        Assert.True(await page.IsVisibleAsync("[data-testid=otp-qr] svg"), "the QR code is shown");
        await Screenshots.SaveAsync(page, "signup", forDocs: true);
        var device = new TotpDevice((await page.TextContentAsync("[data-testid=otp-secret]"))!.Trim());
        var alice = new TestUser("alice", "alice-correct-horse-battery", device);
        await page.FillAsync("#password", alice.Password);
        await page.FillAsync("#password_confirm", alice.Password);
        await page.FillAsync("#otp", await device.NextCodeAsync());
        await page.ClickAsync("button:has-text('Create account')");

        // 2. Back at sign-in with a notice and the user name filled in; sign in with the password and a fresh code.
        await page.WaitForURLAsync(new Regex("/web/login\\?notice=password_set"));
        Assert.Contains("password is set", await page.TextContentAsync("[data-testid=notice]"));
        Assert.Equal("alice", await page.InputValueAsync("#user"));
        await Screenshots.SaveAsync(page, "sign-in", forDocs: true);
        await WebUiDriver.FillSignInAsync(page, alice);
        await page.WaitForURLAsync(cluster.BaseUrl + "/web/apps");

        // 3. Applications: both apps, with the header naming the user and cluster; search filters them live and by ?q=.
        Assert.Equal("alice", await page.TextContentAsync("[data-testid=user-name]"));
        Assert.True(await page.IsVisibleAsync("nav a:has-text('Audit')"), "auditors see the Audit link");
        var rows = page.Locator("[data-testid=app-row]");
        Assert.Equal(2, await rows.CountAsync());
        var dynamo = page.Locator("[data-testid=app-row][data-app=aws-dynamodb]");
        Assert.Contains("DynamoDB tables of the sandbox account", await dynamo.TextContentAsync());
        Assert.Contains("team: data", await dynamo.TextContentAsync());
        Assert.Contains("aws-dynamodb.ferry.test", await dynamo.TextContentAsync());
        await Screenshots.SaveAsync(page, "applications", forDocs: true);

        await page.FillAsync("#app-search", "finance");
        Assert.False(await dynamo.IsVisibleAsync());
        Assert.True(await page.Locator("[data-testid=app-row][data-app=aws-billing]").IsVisibleAsync());
        await page.FillAsync("#app-search", "nothing-like-this");
        Assert.True(await page.IsVisibleAsync("[data-testid=apps-empty]"));
        await Screenshots.SaveAsync(page, "applications-search-empty");
        await page.GotoAsync(cluster.BaseUrl + "/web/apps?q=dynamo");
        Assert.Equal(1, await rows.CountAsync());
        Assert.Equal("dynamo", await page.InputValueAsync("#app-search"));

        // 4. Launch → the IAM role picker: the user's ARNs for this app, sorted by role name, account shown.
        await dynamo.Locator("[data-testid=launch]").ClickAsync();
        await page.WaitForURLAsync(cluster.BaseUrl + "/web/apps/aws-dynamodb/launch");
        var options = page.Locator("[data-testid=role-option]");
        Assert.Equal([ConsoleCluster.RoleArn, ConsoleCluster.ReadOnlyArn], await options.EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.arn)"));
        var first = await options.First.TextContentAsync();
        Assert.Contains("ExampleTeleportDynamoDBRole", first);
        Assert.Contains("123456789000", first);
        await Screenshots.SaveAsync(page, "role-picker", forDocs: true);

        // 5. Pick the guide's role: the browser goes through the app host (token exchanged for the app cookie) to the
        //    agent, which federates and redirects to the sign-in endpoint's login with the app URI as Destination.
        var grantsBefore = cluster.Federation!.Grants.Count;
        await page.ClickAsync($"[data-testid=role-option][data-arn='{ConsoleCluster.RoleArn}']");
        await page.WaitForURLAsync(url => url.StartsWith(cluster.Federation.BaseUrl + "/federation?", StringComparison.Ordinal));
        Assert.Equal("Federated user: arn:aws:sts::123456789000:assumed-role/ExampleTeleportDynamoDBRole/alice", await page.TextContentAsync("#federated-user"));
        Assert.Equal("Destination: " + ConsoleCluster.AppUri, await page.TextContentAsync("#destination"));
        Assert.StartsWith("Issuer: https://aws-dynamodb.ferry.test", await page.TextContentAsync("#issuer"));
        Assert.Equal(grantsBefore + 1, cluster.Federation.Grants.Count);
        Assert.Contains("Action=login", page.Url);
        await Screenshots.SaveAsync(page, "console-arrival", forDocs: true);

        // 6. The audit page shows the launch: app.session.start for alice with the chosen role.
        await page.GotoAsync(cluster.BaseUrl + "/web/audit?type=app.session.start");
        var start = page.Locator("[data-testid=audit-row][data-event='app.session.start']").First;
        Assert.Contains("alice", await start.TextContentAsync());
        Assert.Contains(ConsoleCluster.RoleArn, await start.TextContentAsync());
        await page.GotoAsync(cluster.BaseUrl + "/web/audit?user=alice");
        await page.Locator("[data-testid=audit-row][data-event='app.session.start'] details summary").First.ClickAsync();
        await Screenshots.SaveAsync(page, "audit", forDocs: true);
    }
}
