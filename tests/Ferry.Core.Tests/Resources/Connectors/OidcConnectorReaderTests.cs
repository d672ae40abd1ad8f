using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using static Ferry.Core.Tests.Resources.Connectors.ConnectorFiles;

namespace Ferry.Core.Tests.Resources.Connectors;

public sealed class OidcConnectorReaderTests
{
    private const string Good = """
        kind: oidc
        version: v3
        metadata:
          name: myoidc
        spec:
          issuer_url: https://idp.example.com/realms/ferry
          client_id: ferry
          client_secret: oidc-client-secret
          redirect_url: https://teleport.example.com/v1/webapi/oidc/callback
          scope: [groups, email]
          max_age: 24h
          display: Okta
          claims_to_roles:
          - claim: groups
            value: admins
            roles: [editor]
          - claim: groups
            value: '^team-(.*)$'
            roles: ['$1-access', access]
          - claim: email
            value: '*@example.com'
            roles: ['${1}-users']
        """;

    [Fact]
    public void Parse_TeleportsShape_RoundTripsWithDefaults()
    {
        var oidc = ParseOne<OidcConnector>(Good);

        Assert.Equal("https://idp.example.com/realms/ferry", oidc.Spec.IssuerUrl);
        Assert.Equal(["https://teleport.example.com/v1/webapi/oidc/callback"], oidc.Spec.RedirectUrls);
        Assert.Equal(["groups", "email"], oidc.Spec.Scope);
        Assert.Equal(TimeSpan.FromHours(24), oidc.Spec.MaxAge);
        Assert.Equal(OidcConnector.PkceEnabled, oidc.Spec.PkceMode);
        Assert.Equal(3, oidc.Spec.ClaimsToRoles.Count);
        Assert.Equal(["$1-access", "access"], oidc.Spec.ClaimsToRoles[1].Roles);

        var yaml = ResourceCodec.ToYaml(oidc);
        Assert.Contains("  max_age: 24h0m0s\n", yaml);
        Assert.Contains("  pkce_mode: enabled\n", yaml);
        Assert.Contains("  redirect_url: https://teleport.example.com/v1/webapi/oidc/callback\n", yaml);
        AssertRoundTrips(oidc);
    }

    [Fact]
    public void Parse_SeveralRedirectUrls_OnePerProxy_PrintAsAList()
    {
        var oidc = ParseOne<OidcConnector>(Good.Replace(
            "  redirect_url: https://teleport.example.com/v1/webapi/oidc/callback",
            "  redirect_url:\n  - https://teleport.example.com/v1/webapi/oidc/callback\n  - https://teleport-eu.example.com/v1/webapi/oidc/callback"));

        Assert.Equal(2, oidc.Spec.RedirectUrls.Count);
        Assert.Contains("  redirect_url:\n  - https://teleport.example.com/v1/webapi/oidc/callback\n  - https://teleport-eu", ResourceCodec.ToYaml(oidc));
        AssertRoundTrips(oidc);
    }

    [Fact]
    public void Parse_PkceDisabled_IsKept()
    {
        Assert.Equal(OidcConnector.PkceDisabled, ParseOne<OidcConnector>(Good + "\n  pkce_mode: disabled\n").Spec.PkceMode);
    }

    [Theory]
    [InlineData("  issuer_url: https://idp.example.com/realms/ferry", "  issuer_url: http://idp.example.com", "\"http://idp.example.com\" must use https at spec.issuer_url (line 6, column 15): only loopback hosts")]
    [InlineData("  issuer_url: https://idp.example.com/realms/ferry", "  issuer_url: http://127.0.0.1:9443", "")]
    [InlineData("  issuer_url: https://idp.example.com/realms/ferry\n", "", "missing required key at spec.issuer_url")]
    [InlineData("  client_id: ferry\n", "", "missing required key at spec.client_id")]
    [InlineData("/v1/webapi/oidc/callback", "/v1/webapi/github/callback", "does not end in /v1/webapi/oidc/callback at spec.redirect_url (line 9")]
    [InlineData("  redirect_url: https://teleport.example.com/v1/webapi/oidc/callback\n", "", "missing required key at spec.redirect_url")]
    [InlineData("value: '^team-(.*)$'", "value: '^team-(.*$'", "invalid regular expression \"^team-(.*$\"")]
    [InlineData("roles: ['$1-access', access]", "roles: ['$2-access', access]", "role \"$2-access\" uses $2, but the value captures only 1 group at spec.claims_to_roles[1].roles[0] (line 19")]
    [InlineData("roles: [editor]", "roles: ['$1-editor']", "role \"$1-editor\" uses $1, but the value captures nothing at spec.claims_to_roles[0].roles[0]")]
    [InlineData("roles: [editor]", "roles: []", "a mapping needs at least one role at spec.claims_to_roles[0].roles")]
    [InlineData("    value: admins\n", "    value: ''\n", "must not be empty at spec.claims_to_roles[0].value (line 15, column 12): use '*' to match any value")]
    [InlineData("  - claim: groups\n    value: admins", "  - name: groups\n    value: admins", "OIDC mappings name the claim with claim:, not name: at spec.claims_to_roles[0].name (line 14")]
    [InlineData("  max_age: 24h", "  max_age: a day", "bad duration")]
    [InlineData("  max_age: 24h", "  max_age: -1h", "max_age must not be negative")]
    [InlineData("  scope: [groups, email]", "  scope: ['groups email']", "scope \"groups email\" must be one word at spec.scope[0]")]
    [InlineData("  display: Okta", "  display: Okta\n  pkce_mode: enable", "unsupported pkce_mode \"enable\" at spec.pkce_mode (line 13, column 14): did you mean \"enabled\"?")]
    [InlineData("  display: Okta", "  display: Okta\n  prompt: login", "unknown key \"prompt\" at spec (line 13")]
    public void Parse_OneBadThing_GetsItsOwnError(string replace, string with, string expected)
    {
        var yaml = Good.Replace(replace, with);
        Assert.NotEqual(Good, yaml);
        if (expected.Length == 0)
        {
            ParseOne<OidcConnector>(yaml);
            return;
        }
        Assert.Contains(expected, Problems(yaml));
    }

    [Fact]
    public void Parse_ManyProblems_AllReportedAtOnce()
    {
        const string yaml = """
            kind: oidc
            version: v3
            metadata:
              name: myoidc
            spec:
              issuer_url: http://idp.example.com
              redirect_url: [https://teleport.example.com/callback]
              pkce_mode: 'on'
              claims_to_roles:
              - claim: groups
                value: '^(a$'
                roles: ['$1']
            """;

        var message = Problems(yaml);

        Assert.StartsWith("resource file connector.yaml has 5 problems:", message);
        Assert.Contains("must use https at spec.issuer_url", message);
        Assert.Contains("does not end in /v1/webapi/oidc/callback at spec.redirect_url[0]", message);
        Assert.Contains("unsupported pkce_mode \"on\"", message);
        Assert.Contains("invalid regular expression \"^(a$\"", message);
        Assert.Contains("missing required key at spec.client_id", message);
    }

    [Fact]
    public void WithoutSecrets_LeavesOutTheClientSecret_AndKeepingSecretsOf_PutsTheStoredOneBack()
    {
        var stored = ParseOne<OidcConnector>(Good);

        var printed = stored.WithoutSecrets();
        var reapplied = Assert.IsType<OidcConnector>(ParseOne<OidcConnector>(ResourceCodec.ToYaml(printed)).KeepingSecretsOf(stored));

        Assert.DoesNotContain("oidc-client-secret", ResourceCodec.ToYaml(printed));
        Assert.Equal("oidc-client-secret", reapplied.Spec.ClientSecret);
    }
}
