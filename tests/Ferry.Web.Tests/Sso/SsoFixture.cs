using Ferry.Web.Tests.Infrastructure;
using Ferry.Web.Tests.Infrastructure.Idps;
using Microsoft.Playwright;

namespace Ferry.Web.Tests.Sso;

/// <summary>
/// One cluster and one identity provider of each kind for the whole class (each costs seconds to start). The cluster's
/// default is <c>auth_service.authentication: {type: oidc, connector_name: myoidc}</c>, the guide's single sign-on
/// set-up: the tests that name a connector pass <c>--auth</c>, which the default does not touch.
/// </summary>
public sealed class SsoFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    internal ConsoleCluster Cluster { get; private set; } = null!;
    internal IBrowser Browser { get; private set; } = null!;

    /// <summary>Client "ferry" with every OIDC person; its one redirect URI is the proxy's OIDC callback.</summary>
    internal OidcIdp Oidc { get; private set; } = null!;

    /// <summary>For the service provider whose entity id and ACS are the mysaml connector's ACS.</summary>
    internal SamlTestIdp Saml { get; private set; } = null!;

    /// <summary>Client "gh-client"; who is signed in there is set by each test.</summary>
    internal GithubStandIn Github { get; private set; } = null!;

    internal string OidcCallback => Cluster.BaseUrl + "/v1/webapi/oidc/callback";
    internal string GithubCallback => Cluster.BaseUrl + "/v1/webapi/github/callback";
    internal string SamlAcs => Cluster.BaseUrl + "/v1/webapi/saml/acs/mysaml";

    public async Task InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright, ConsoleCluster.PublicHost);
        Cluster = await ConsoleCluster.StartAsync(authentication: ("oidc", "myoidc"));

        // The providers need the proxy's URLs (its port is picked at start), so they come second, together.
        var oidc = OidcIdp.StartAsync("ferry", SsoPeople.ClientSecret, [OidcCallback], SsoPeople.Oidc);
        var saml = SamlTestIdp.StartAsync(SamlAcs, SamlAcs, SsoPeople.Saml);
        var github = GithubStandIn.StartAsync("gh-client", SsoPeople.ClientSecret, [GithubCallback], SsoPeople.Octo);
        Oidc = await oidc;
        Saml = await saml;
        Github = await github;
    }

    /// <summary>A new browser profile (no IdP session, no Ferry cookies) and a page in it.</summary>
    internal async Task<IPage> NewPageAsync()
    {
        var context = await Chromium.NewContextAsync(Browser);
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        foreach (var idp in new IAsyncDisposable?[] { Oidc, Saml, Github })
        {
            if (idp is not null)
            {
                await idp.DisposeAsync();
            }
        }

        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}
