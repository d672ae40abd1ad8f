using System.Net;

namespace Ferry.Web.Tests.InProcess;

/// <summary>Cookies, CSRF, redirects and headers of the pages, against a fake portal (no cluster, milliseconds per test).</summary>
public sealed class PageSecurityTests : IAsyncLifetime
{
    private UiHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await UiHost.StartAsync();
        _host.Portal.Apps.Add(FakePortal.App("aws", "AWS", new Dictionary<string, string>(), true, new Core.Api.AwsRoleInfo("R", "R", "arn:aws:iam::123456789012:role/R", "123456789012")));
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Theory]
    [InlineData("/web/login", false)]
    [InlineData("/web/apps", true)]
    [InlineData("/web/apps/aws/launch", true)]
    [InlineData("/web/audit", true)]
    [InlineData("/web/audit?since=7d&cursor=abc", true)]
    [InlineData("/web/invite/good", false)]
    [InlineData("/web/invite/bad", false)]
    [InlineData("/web/nope", false)]
    [InlineData("/", false)]
    [InlineData("/web/apps", false)]
    public async Task EveryPageAndRedirect_CarriesTheSecurityHeaders(string path, bool signedIn)
    {
        using var response = await _host.GetAsync(path, signedIn ? _host.SignedIn().Cookie : null);

        var csp = string.Join(";", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", csp);
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-inline", csp);
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-store", response.Headers.CacheControl!.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task SignIn_SetsAHostPrefixedSecureHttpOnlyLaxCookie_AndGoesToTheLocalReturnPath()
    {
        var (cookie, csrf) = await _host.AnonymousFormAsync("/web/login?return_to=%2Fweb%2Faudit");

        using var response = await _host.PostFormAsync("/web/login",
            new Dictionary<string, string> { ["csrf"] = csrf, ["user"] = "ann", ["password"] = "pw", ["otp"] = "123456", ["return_to"] = "/web/audit" }, cookie);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/web/audit", response.Headers.Location!.OriginalString);
        var session = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-ferry_web=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; path=/", session);
        Assert.Contains("; secure", session);
        Assert.Contains("; httponly", session);
        Assert.Contains("; samesite=lax", session);
        Assert.Contains("; expires=", session);
        Assert.DoesNotContain("domain=", session);
    }

    [Theory]
    [InlineData("https://evil.example/web/apps")]
    [InlineData("//evil.example/web/apps")]
    [InlineData("/\\evil.example")]
    [InlineData("/web/..//evil.example")]
    [InlineData("/web\\/evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/v1/webapi/ping")]
    [InlineData("/web/login")]
    [InlineData("/web/\napps")]
    public async Task SignIn_IgnoresAReturnPathThatIsNotALocalWebPage(string returnTo)
    {
        var (cookie, csrf) = await _host.AnonymousFormAsync("/web/login");

        using var response = await _host.PostFormAsync("/web/login",
            new Dictionary<string, string> { ["csrf"] = csrf, ["user"] = "ann", ["password"] = "pw", ["otp"] = "123456", ["return_to"] = returnTo }, cookie);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/web/apps", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task WrongCredentials_ShowTheFormWithThePortalsMessage_AndSetNoSession()
    {
        var (cookie, csrf) = await _host.AnonymousFormAsync("/web/login");

        using var response = await _host.PostFormAsync("/web/login",
            new Dictionary<string, string> { ["csrf"] = csrf, ["user"] = "ann", ["password"] = "nope", ["otp"] = "123456" }, cookie);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("Invalid user name, password or authenticator code.", await response.Content.ReadAsStringAsync());
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith("__Host-ferry_web=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task NoSession_RedirectsToSignIn_WithThePathAndQueryToComeBackTo()
    {
        using var response = await _host.GetAsync("/web/audit?user=x&type=user.login");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/web/login?return_to=%2Fweb%2Faudit%3Fuser%3Dx%26type%3Duser.login", response.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SignOut_NeedsTheSessionsToken_ThenEndsTheSessionAndClearsTheCookie()
    {
        var (cookie, csrf) = _host.SignedIn();

        using (var refused = await _host.PostFormAsync("/web/logout", new Dictionary<string, string> { ["csrf"] = "csrf-someone-else" }, cookie))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.DoesNotContain(_host.Portal.Calls, c => c.StartsWith("signout", StringComparison.Ordinal));
        }

        using var done = await _host.PostFormAsync("/web/logout", new Dictionary<string, string> { ["csrf"] = csrf }, cookie);

        Assert.Equal(HttpStatusCode.SeeOther, done.StatusCode);
        Assert.Equal("/web/login?notice=signed_out", done.Headers.Location!.OriginalString);
        var cleared = done.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-ferry_web=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("max-age=0", cleared);
        Assert.Contains("; path=/", cleared);
        Assert.Contains("; secure", cleared);
        Assert.Contains(_host.Portal.Calls, c => c.StartsWith("signout", StringComparison.Ordinal));
        using var after = await _host.GetAsync("/web/apps", cookie);
        Assert.Equal(HttpStatusCode.SeeOther, after.StatusCode);
    }

    [Theory]
    [InlineData("https://evil.example", HttpStatusCode.Forbidden)]
    [InlineData("https://aws.fake.test", HttpStatusCode.Forbidden)]
    [InlineData("null", HttpStatusCode.SeeOther)]
    public async Task Post_FromAnotherOrigin_IsRefused_EvenWithTheToken(string origin, HttpStatusCode expected)
    {
        var (cookie, csrf) = _host.SignedIn();

        using var response = await _host.PostFormAsync("/web/apps/aws/launch",
            new Dictionary<string, string> { ["csrf"] = csrf, ["arn"] = "arn:aws:iam::123456789012:role/R" }, cookie, origin);

        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task Post_ThatIsNotAForm_IsRefused()
    {
        var (cookie, csrf) = _host.SignedIn();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/web/logout") { Content = new StringContent($"{{\"csrf\":\"{csrf}\"}}", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("Cookie", cookie);

        using var response = await _host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(_host.Portal.Calls, c => c.StartsWith("signout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Launch_SendsTheBrowserToThePortalsUrl_WithTheChosenArn()
    {
        var (cookie, csrf) = _host.SignedIn();

        using var response = await _host.PostFormAsync("/web/apps/aws/launch",
            new Dictionary<string, string> { ["csrf"] = csrf, ["arn"] = "arn:aws:iam::123456789012:role/R" }, cookie);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("https://aws.fake.test/x-ferry-auth?token=t", response.Headers.Location!.AbsoluteUri);
        Assert.Contains("launch aws arn:aws:iam::123456789012:role/R", _host.Portal.Calls);
    }

    [Fact]
    public async Task Signup_WithoutTheAntiForgeryCookie_IsRefused()
    {
        var (_, csrf) = await _host.AnonymousFormAsync("/web/invite/good");

        using var response = await _host.PostFormAsync("/web/invite/good",
            new Dictionary<string, string> { ["csrf"] = csrf, ["password"] = "a-long-password", ["password_confirm"] = "a-long-password", ["otp"] = "123456" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.DoesNotContain(_host.Portal.Calls, c => c.StartsWith("signup", StringComparison.Ordinal));
    }
}
