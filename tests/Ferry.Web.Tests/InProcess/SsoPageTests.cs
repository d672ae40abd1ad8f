using System.Net;
using Ferry.Core.Api;

namespace Ferry.Web.Tests.InProcess;

/// <summary>
/// The web UI's side of single sign-on over a hand-written portal: the sign-in buttons, the browser-binding cookie,
/// what the identity providers' callbacks pass on and where they land. What auth checks is tested with real providers
/// (tests/Ferry.Web.Tests/Sso).
/// </summary>
public sealed class SsoPageTests : IAsyncLifetime
{
    private UiHost _host = null!;

    public async Task InitializeAsync()
    {
        var portal = new FakePortal();
        portal.Connectors.Add(new SsoConnectorInfo { Kind = "oidc", Name = "myoidc", Display = "Okta <corp>" });
        portal.Connectors.Add(new SsoConnectorInfo { Kind = "github", Name = "github", Display = "GitHub" });
        _host = await UiHost.StartAsync(portal);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task SignInPage_ShowsAButtonPerConnector_EncodedAndKeepingTheReturnPath()
    {
        using var page = await _host.GetAsync("/web/login?return_to=%2Fweb%2Faudit");
        var html = await page.Content.ReadAsStringAsync();

        Assert.Contains("href=\"/web/sso/oidc/myoidc?return_to=%2Fweb%2Faudit\"", html);
        Assert.Contains("Sign in with Okta &lt;corp&gt;", html);
        Assert.Contains("href=\"/web/sso/github/github?return_to=%2Fweb%2Faudit\"", html);
        Assert.Contains("data-testid=\"login-form\"", html); // local users keep their password form
    }

    [Fact]
    public async Task Button_SetsAHostPrefixedBindingCookieForCrossSitePosts_AndSendsTheBrowserToTheProvider()
    {
        using var response = await _host.GetAsync("/web/sso/oidc/myoidc?return_to=%2Fweb%2Faudit");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("https://idp.test/authorize?state=fake-state", response.Headers.Location!.OriginalString);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("__Host-ferry_sso=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("; secure", cookie);
        Assert.Contains("; httponly", cookie);
        Assert.Contains("; samesite=none", cookie);
        Assert.Contains("; path=/", cookie);
        Assert.DoesNotContain("domain=", cookie);
        var start = _host.Portal.LastSsoStart!.Value;
        Assert.Equal("/web/audit", start.ReturnTo);
        Assert.Equal(64, start.Binding.Length);
        Assert.Contains(start.Binding.ToLowerInvariant(), cookie);
    }

    [Fact]
    public async Task Button_ForAnUnknownKind_IsNotFound_AndStartsNothing()
    {
        using var response = await _host.GetAsync("/web/sso/ldap/corp");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.DoesNotContain(_host.Portal.Calls, c => c.StartsWith("sso-start", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Callback_WithTheBindingCookie_SignsIn_AndLandsOnTheReturnPath()
    {
        using var start = await _host.GetAsync("/web/sso/oidc/myoidc?return_to=%2Fweb%2Faudit");
        var binding = _host.Portal.LastSsoStart!.Value.Binding;

        using var callback = await _host.GetAsync("/v1/webapi/oidc/callback?code=abc&state=fake-state", $"__Host-ferry_sso={binding}");

        Assert.Equal(HttpStatusCode.SeeOther, callback.StatusCode);
        Assert.Equal("/web/audit", callback.Headers.Location!.OriginalString);
        var cookies = callback.Headers.GetValues("Set-Cookie").ToList();
        Assert.Contains(cookies, c => c.StartsWith("__Host-ferry_web=", StringComparison.Ordinal) && c.Length > "__Host-ferry_web=; ".Length + 10);
        Assert.Contains(cookies, c => c.StartsWith("__Host-ferry_sso=;", StringComparison.Ordinal)); // the binding is spent
        Assert.Equal("abc", _host.Portal.LastSsoParameters!["code"]);
    }

    [Fact]
    public async Task Callback_WithoutTheBindingCookie_ShowsWhyAndSetsNoSession()
    {
        using var start = await _host.GetAsync("/web/sso/oidc/myoidc");

        using var callback = await _host.GetAsync("/v1/webapi/oidc/callback?code=abc&state=fake-state");

        Assert.Equal(HttpStatusCode.Forbidden, callback.StatusCode);
        var html = await callback.Content.ReadAsStringAsync();
        Assert.Contains("Sign-in failed", html);
        Assert.Contains("started in another browser", html);
        Assert.DoesNotContain(callback.Headers.TryGetValues("Set-Cookie", out var set) ? set : [], c => c.StartsWith("__Host-ferry_web=", StringComparison.Ordinal) && !c.StartsWith("__Host-ferry_web=;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SamlAcs_TakesTheProvidersCrossSiteFormPost_WithoutOurCsrfToken_PassingOnOnlyItsTwoFields()
    {
        using var start = await _host.GetAsync("/web/sso/oidc/myoidc");
        var binding = _host.Portal.LastSsoStart!.Value.Binding;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/webapi/saml/acs/mysaml")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["SAMLResponse"] = "PHNhbWw+", ["RelayState"] = "r1", ["extra"] = "x" }),
        };
        request.Headers.Add("Origin", "https://idp.example.com");
        request.Headers.Add("Cookie", $"__Host-ferry_sso={binding}");

        using var response = await _host.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(new[] { "RelayState", "SAMLResponse" }, _host.Portal.LastSsoParameters!.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ConsoleLogin_EndsWithARedirectToTshsLoopbackListener()
    {
        _host.Portal.SsoClientRedirect = new Uri("http://127.0.0.1:45678/callback?response=sealed");

        using var callback = await _host.GetAsync("/v1/webapi/github/callback?code=abc&state=s");

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("http://127.0.0.1:45678/callback?response=sealed", callback.Headers.Location!.OriginalString);
    }
}
