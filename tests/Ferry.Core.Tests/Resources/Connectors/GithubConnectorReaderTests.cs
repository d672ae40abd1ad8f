using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using static Ferry.Core.Tests.Resources.Connectors.ConnectorFiles;

namespace Ferry.Core.Tests.Resources.Connectors;

public sealed class GithubConnectorReaderTests
{
    private const string Good = """
        kind: github
        version: v3
        metadata:
          name: github
        spec:
          client_id: Iv1.0123456789abcdef
          client_secret: github-client-secret
          display: GitHub
          redirect_url: https://teleport.example.com:443/v1/webapi/github/callback
          teams_to_roles:
          - organization: octocats
            team: admins
            roles:
            - access
            - editor
        """;

    [Fact]
    public void Parse_TeleportsShape_PrintsSortedAndReadsBackTheSame()
    {
        var github = ParseOne<GithubConnector>(Good);

        Assert.Equal("github", github.Name);
        Assert.Equal("github-client-secret", github.Spec.ClientSecret);
        var mapping = Assert.Single(github.Spec.TeamsToRoles);
        Assert.Equal(("octocats", "admins"), (mapping.Organization, mapping.Team));
        Assert.Equal(["access", "editor"], mapping.Roles);
        Assert.Null(github.Spec.EndpointUrl);
        Assert.Equal("""
            kind: github
            metadata:
              name: github
            spec:
              client_id: Iv1.0123456789abcdef
              client_secret: github-client-secret
              display: GitHub
              redirect_url: https://teleport.example.com:443/v1/webapi/github/callback
              teams_to_roles:
              - organization: octocats
                roles:
                - access
                - editor
                team: admins
            version: v3

            """.Replace("\r\n", "\n"), ResourceCodec.ToYaml(github).Replace("\r\n", "\n"));
        AssertRoundTrips(github);
    }

    [Fact]
    public void Parse_GithubEnterprise_KeepsBothEndpoints()
    {
        var github = ParseOne<GithubConnector>(Good + "\n  endpoint_url: https://github.example.com\n  api_endpoint_url: https://github.example.com/api/v3\n");

        Assert.Equal("https://github.example.com", github.Spec.EndpointUrl);
        Assert.Equal("https://github.example.com/api/v3", github.Spec.ApiEndpointUrl);
        AssertRoundTrips(github);
    }

    [Fact]
    public void Parse_WhatTeleportPrintsForUnsetFields_ReadsAsUnset()
    {
        var github = ParseOne<GithubConnector>(Good + "\n  endpoint_url: \"\"\n  api_endpoint_url: \"\"\n  teams_to_logins: null\n");

        Assert.Null(github.Spec.EndpointUrl);
        Assert.Null(github.Spec.ApiEndpointUrl);
    }

    [Fact]
    public void Parse_LoopbackHttp_IsAllowedForTestProviders()
    {
        var github = ParseOne<GithubConnector>(Good.Replace("https://teleport.example.com:443", "http://127.0.0.1:3080")
            + "\n  endpoint_url: http://localhost:9000\n  api_endpoint_url: http://127.0.0.1:9000/api/v3\n");

        Assert.Equal("http://127.0.0.1:3080/v1/webapi/github/callback", github.Spec.RedirectUrl);
    }

    [Fact]
    public void Parse_SecretLeftOut_ReadsAsBlank()
    {
        var github = ParseOne<GithubConnector>(Good.Replace("  client_secret: github-client-secret\n", ""));

        Assert.Null(github.Spec.ClientSecret);
        Assert.Equal(["spec.client_secret"], github.MissingSecrets);
    }

    [Theory]
    [InlineData("http://teleport.example.com/v1/webapi/github/callback", "must use https at spec.redirect_url (line 9")]
    [InlineData("https://teleport.example.com/callback", "\"https://teleport.example.com/callback\" does not end in /v1/webapi/github/callback at spec.redirect_url (line 9, column 17): use your proxy's public address with that path, e.g. https://teleport.example.com/v1/webapi/github/callback")]
    [InlineData("https://teleport.example.com/v1/webapi/oidc/callback", "does not end in /v1/webapi/github/callback")]
    [InlineData("teleport.example.com", "is not an absolute https URL")]
    [InlineData("ftp://teleport.example.com/v1/webapi/github/callback", "is not an absolute https URL")]
    public void Parse_BadRedirectUrl_SaysWhatItMustBe(string url, string expected)
    {
        Assert.Contains(expected, Problems(Good.Replace("https://teleport.example.com:443/v1/webapi/github/callback", url)));
    }

    [Theory]
    [InlineData("  client_id: Iv1.0123456789abcdef\n", "", "missing required key at spec.client_id")]
    [InlineData("  teams_to_roles:\n  - organization: octocats\n    team: admins\n    roles:\n    - access\n    - editor", "", "a connector needs at least one mapping in teams_to_roles, or it grants no role")]
    [InlineData("    team: admins\n", "", "missing required key at spec.teams_to_roles[0].team")]
    [InlineData("    roles:\n    - access\n    - editor", "    roles: []", "a mapping needs at least one role at spec.teams_to_roles[0].roles")]
    [InlineData("    - editor", "    - -editor", "invalid role name \"-editor\" at spec.teams_to_roles[0].roles[1] (line 15")]
    [InlineData("    - editor", "    - $1-editor", "GitHub team mappings name roles literally")]
    [InlineData("  display: GitHub\n", "  dispaly: GitHub\n", "unknown key \"dispaly\" at spec (line 8, column 3): did you mean \"display\"?")]
    [InlineData("    team: admins\n", "    teams: admins\n", "unknown key \"teams\" at spec.teams_to_roles[0] (line 12, column 5): did you mean \"team\"?")]
    [InlineData("version: v3", "version: v2", "github version \"v2\" is not supported at version (line 2, column 10): use v3")]
    [InlineData("  name: github", "  name: git hub", "invalid connector name \"git hub\"")]
    public void Parse_OneBadThing_GetsItsOwnError(string replace, string with, string expected)
    {
        Assert.Contains(expected, Problems(Good.Replace(replace, with)));
    }

    [Fact]
    public void Parse_OnlyOneEnterpriseUrl_AsksForBoth()
    {
        Assert.Contains("GitHub Enterprise needs both endpoint_url and api_endpoint_url at spec.api_endpoint_url",
            Problems(Good + "\n  endpoint_url: https://github.example.com\n"));
    }

    [Fact]
    public void Parse_TeamsToLogins_IsRefusedNotIgnored()
    {
        Assert.Contains("teams_to_logins is not supported at spec.teams_to_logins", Problems(Good + "\n  teams_to_logins: [{organization: o, team: t, logins: [root]}]\n"));
    }

    [Fact]
    public void Parse_ManyProblems_AllReportedAtOnceInFileOrder()
    {
        const string yaml = """
            kind: github
            version: v3
            metadata:
              name: github
            spec:
              client_secret: s
              redirect_url: http://teleport.example.com/v1/webapi/github/callback
              endpoint_url: https://github.example.com
              teams_to_role:
              - organization: octocats
            """;

        var lines = Problems(yaml).Split('\n');

        Assert.Equal("resource file connector.yaml has 5 problems:", lines[0]);
        Assert.Contains(lines, l => l.Contains("must use https at spec.redirect_url (line 7"));
        Assert.Contains(lines, l => l.Contains("GitHub Enterprise needs both") && l.Contains("spec.api_endpoint_url"));
        Assert.Contains(lines, l => l.Contains("unknown key \"teams_to_role\" at spec (line 9") && l.Contains("did you mean \"teams_to_roles\"?"));
        Assert.Contains(lines, l => l.Contains("missing required key at spec.client_id"));
        Assert.Contains(lines, l => l.Contains("needs at least one mapping in teams_to_roles"));
    }

    [Fact]
    public void WithoutSecrets_LeavesOutTheClientSecret_AndKeepingSecretsOfTheStoredOne_PutsItBack()
    {
        var stored = ParseOne<GithubConnector>(Good);

        var printed = Assert.IsType<GithubConnector>(stored.WithoutSecrets());
        var reapplied = Assert.IsType<GithubConnector>(ParseOne<GithubConnector>(ResourceCodec.ToYaml(printed)).KeepingSecretsOf(stored));
        var replaced = Assert.IsType<GithubConnector>((stored with { Spec = stored.Spec with { ClientSecret = "new" } }).KeepingSecretsOf(stored));

        Assert.DoesNotContain("client_secret", ResourceCodec.ToYaml(printed));
        Assert.Equal("github-client-secret", reapplied.Spec.ClientSecret);
        Assert.Equal("new", replaced.Spec.ClientSecret);
    }
}
