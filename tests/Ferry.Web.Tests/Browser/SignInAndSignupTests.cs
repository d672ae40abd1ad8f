using System.Text.RegularExpressions;
using Ferry.Web.Tests.Infrastructure;

namespace Ferry.Web.Tests.Browser;

/// <summary>What people see when something is off: wrong credentials, a bad or used link, mismatched passwords, a wrong code, an unknown page.</summary>
[Collection(ConsoleCollection.Name)]
public sealed class SignInAndSignupTests
{
    private readonly ConsoleFixture _fixture;

    public SignInAndSignupTests(ConsoleFixture fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task WrongPassword_ShowsTheFormAgain_WithAuthsMessage_AndNoSession()
    {
        var cluster = _fixture.Cluster;
        var kim = await cluster.AddUserAsync("kim", "access");
        var page = await _fixture.NewPageAsync();
        await page.GotoAsync(cluster.BaseUrl + "/web/login");
        await WebUiDriver.FillSignInAsync(page, kim with { Password = "not-kims-password" });

        Assert.Equal(cluster.BaseUrl + "/web/login", page.Url);
        var error = await page.TextContentAsync("[data-testid=form-error]");
        Assert.False(string.IsNullOrWhiteSpace(error));
        Assert.DoesNotContain("password", error!.Replace("user name, password", "", StringComparison.OrdinalIgnoreCase), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("kim", await page.InputValueAsync("#user"));
        Assert.Equal("", await page.InputValueAsync("#password"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "__Host-ferry_web");
        await Screenshots.SaveAsync(page, "sign-in-error");
    }

    [Fact]
    public async Task InvalidLink_ShowsWhatToDo()
    {
        var page = await _fixture.NewPageAsync();
        var response = await page.GotoAsync(_fixture.Cluster.BaseUrl + "/web/invite/" + new string('0', 64));

        Assert.Equal(404, response!.Status);
        Assert.Contains("tctl users reset", await page.TextContentAsync("main"));
        await Screenshots.SaveAsync(page, "signup-invalid-link");
    }

    [Fact]
    public async Task Signup_MismatchedPasswords_OrAWrongCode_ShowTheFormAgain_ThenAResetLinkWorks()
    {
        var cluster = _fixture.Cluster;
        var link = await cluster.InviteAsync("lena", "access");
        var page = await _fixture.NewPageAsync();
        await page.GotoAsync(link);
        var device = new TotpDevice((await page.TextContentAsync("[data-testid=otp-secret]"))!);

        await page.FillAsync("#password", "lena-correct-horse-battery");
        await page.FillAsync("#password_confirm", "lena-correct-horse-batterx");
        await page.FillAsync("#otp", await device.NextCodeAsync());
        await page.ClickAsync("button:has-text('Create account')");
        Assert.Contains("not the same", await page.TextContentAsync("[data-testid=form-error]"));

        await page.FillAsync("#password", "lena-correct-horse-battery");
        await page.FillAsync("#password_confirm", "lena-correct-horse-battery");
        await page.FillAsync("#otp", "000000");
        await page.ClickAsync("button:has-text('Create account')");
        Assert.Contains("authenticator code is wrong", await page.TextContentAsync("[data-testid=form-error]"));
        await Screenshots.SaveAsync(page, "signup-wrong-code");

        // An administrator's reset link: the page says so, and the new password signs in.
        var reset = (await cluster.TctlAsync("users", "reset", "lena")).EnsureSuccess("users reset");
        var resetLink = Regex.Match(reset.Stdout, @"https://\S+/web/reset/[0-9a-f]{64}").Value;
        await page.GotoAsync(resetLink);
        Assert.Equal("Reset your password", await page.TextContentAsync("h1"));
        var resetDevice = new TotpDevice((await page.TextContentAsync("[data-testid=otp-secret]"))!);
        await page.FillAsync("#password", "lena-new-horse-battery");
        await page.FillAsync("#password_confirm", "lena-new-horse-battery");
        await page.FillAsync("#otp", await resetDevice.NextCodeAsync());
        await page.ClickAsync("button:has-text('Set new password')");
        await page.WaitForURLAsync(new Regex("notice=password_set"));
        await WebUiDriver.FillSignInAsync(page, new TestUser("lena", "lena-new-horse-battery", resetDevice));
        await page.WaitForURLAsync(cluster.BaseUrl + "/web/apps");

        // The used link is dead.
        var used = await page.GotoAsync(resetLink);
        Assert.Equal(404, used!.Status);
    }

    [Fact]
    public async Task UnknownPage_IsA404Page()
    {
        var page = await _fixture.NewPageAsync();
        var response = await page.GotoAsync(_fixture.Cluster.BaseUrl + "/web/no-such-page");

        Assert.Equal(404, response!.Status);
        Assert.Equal("Page not found", await page.TextContentAsync("h1"));
        Assert.Equal("no-store", response.Headers["cache-control"]);
    }
}
