using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Web.Tests.Infrastructure;
using Ferry.Web.Tests.Infrastructure.Idps;
using Microsoft.Playwright;

namespace Ferry.Web.Tests.Sso;

/// <summary>
/// The guide's Step 2 for users who log in through a connector, against real identity providers on loopback (npm's
/// oidc-provider and samlify, a GitHub Enterprise stand-in) and the real cluster: an administrator's connector, then
/// <c>tctl get KIND/NAME --with-secrets &gt; KIND.yaml</c>, aws-dynamodb-access added to the mapping, <c>tctl create -f</c>,
/// and <c>tsh login --auth=NAME --browser=none</c> finished in Debian's chromium. Also the web UI's buttons, roles from
/// <c>{{external.aws_role_arns}}</c> down to moto, and a replayed callback.
/// </summary>
[Collection(ConsoleCollection.Name)]
public sealed partial class SsoLoginTests(ConsoleFixture fixture)
{
    private const string ClientSecret = "sso-client-secret-5d1e";

    private ConsoleCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Github_GuideStep2_ThenTshLoginInTheBrowser_GivesTheRole()
    {
        var callback = $"{Cluster.BaseUrl}/v1/webapi/github/callback";
        await using var github = await GithubStandIn.StartAsync("gh-client", ClientSecret, [callback], new GithubUser("octo", 42, [("octo-org", "cloud-admins")]));
        await CreateConnectorAsync("github", $"""
            kind: github
            version: v3
            metadata:
              name: github
            spec:
              client_id: gh-client
              client_secret: {ClientSecret}
              redirect_url: {callback}
              endpoint_url: {github.BaseUrl}
              api_endpoint_url: {github.ApiUrl}
              display: GitHub
              teams_to_roles:
              - organization: octo-org
                team: cloud-admins
                roles:
                - apps-only
            """);
        await GuideStep2Async("tctl get github/github --with-secrets > github.yaml", "tctl create -f github.yaml", "github.yaml");

        var status = await TshLoginAsync("octo", "github", page => page.ClickAsync("#authorize"));

        Assert.Contains("aws-dynamodb-access", Roles(status));
        Assert.Equal(["cloud-admins"], Traits(status, "github_teams"));
        var user = (await Cluster.TctlAsync("get", "users/octo")).EnsureSuccess("tctl get users/octo").Stdout;
        Assert.Contains("type: github", user);
        Assert.Contains("identity: octo", user);
    }

    [Fact]
    public async Task Oidc_GuideStep2_ExternalRoleArns_ReachMoto_AndAReplayedCallbackIsRefused()
    {
        var callback = $"{Cluster.BaseUrl}/v1/webapi/oidc/callback";
        var alice = new IdpUser("alice", "alice-idp-password", "alice@example.com", ["cloud-admins"], [ConsoleCluster.RoleArn]);
        await using var idp = await OidcIdp.StartAsync("ferry", ClientSecret, [callback], [alice]);
        await CreateRoleAsync("sso-aws", """
            kind: role
            version: v5
            metadata:
              name: sso-aws
            spec:
              allow:
                app_labels:
                  '*': '*'
                aws_role_arns: ['{{external.aws_role_arns}}']
            """);
        await CreateConnectorAsync("oidc", $"""
            kind: oidc
            version: v3
            metadata:
              name: myoidc
            spec:
              issuer_url: {idp.Issuer}
              client_id: ferry
              client_secret: {ClientSecret}
              redirect_url: {callback}
              scope: [email, groups]
              claims_to_roles:
              - claim: groups
                value: cloud-admins
                roles:
                - apps-only
              - claim: groups
                value: '^cloud-(.*)$'
                roles:
                - sso-aws
            """);
        await GuideStep2Async("tctl get oidc/myoidc --with-secrets > oidc.yaml", "tctl create -f oidc.yaml", "oidc.yaml");
        var callbacks = new List<string>();

        var status = await TshLoginAsync("alice", "myoidc", page => SignInAtIdpAsync(page, alice), callbacks);

        Assert.Contains("aws-dynamodb-access", Roles(status));
        Assert.Contains("sso-aws", Roles(status));
        Assert.Equal([ConsoleCluster.RoleArn], Traits(status, "aws_role_arns"));
        var env = UserEnvironment("alice");
        (await Run.CommandAsync(Binaries.Tsh, ["apps", "login", ConsoleCluster.AppName, "--aws-role", ConsoleCluster.RoleArn], env)).EnsureSuccess("tsh apps login");
        var identity = (await Run.CommandAsync(Binaries.Tsh, ["aws", "sts", "get-caller-identity"], env)).EnsureSuccess("tsh aws sts get-caller-identity");
        Assert.Contains("assumed-role/", identity.Stdout);
        Assert.Contains("alice@example.com", identity.Stdout);

        // The identity provider's answer passed through the proxy once; the same URL again finds no login in progress.
        var answer = Assert.Single(callbacks);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(answer);
        Assert.Contains("matches no login in progress", await page.ContentAsync());
    }

    [Fact]
    public async Task Saml_GuideStep2_WithMetadataByUrl_ThenTshLogin_GivesTheRole()
    {
        var acs = $"{Cluster.BaseUrl}/v1/webapi/saml/acs/mysaml";
        var sam = new IdpUser("sam", "sam-idp-password", "sam@example.com", ["cloud-admins"], []);
        await using var idp = await SamlTestIdp.StartAsync(acs, acs, [sam]);
        await CreateConnectorAsync("saml", $"""
            kind: saml
            version: v2
            metadata:
              name: mysaml
            spec:
              acs: {acs}
              entity_descriptor_url: {idp.MetadataUrl}
              attributes_to_roles:
              - name: groups
                value: cloud-admins
                roles:
                - apps-only
            """);
        await GuideStep2Async("tctl get --with-secrets saml/mysaml > saml.yaml", "tctl create -f saml.yaml", "saml.yaml");

        var status = await TshLoginAsync("sam", "mysaml", page => SignInAtIdpAsync(page, sam));

        Assert.Contains("aws-dynamodb-access", Roles(status));
        Assert.Equal(["cloud-admins"], Traits(status, "groups"));
        var user = (await Cluster.TctlAsync("get", "users/sam@example.com")).EnsureSuccess("tctl get users").Stdout;
        Assert.Contains("type: saml", user);
    }

    [Fact]
    public async Task WebUi_ButtonSignsInThroughOidc_AndAMappingThatGivesNothingIsExplained()
    {
        var callback = $"{Cluster.BaseUrl}/v1/webapi/oidc/callback";
        var bea = new IdpUser("bea", "bea-idp-password", "bea@example.com", ["cloud-admins"], []);
        var ivan = new IdpUser("ivan", "ivan-idp-password", "ivan@example.com", ["interns"], []);
        await using var idp = await OidcIdp.StartAsync("ferry-web", ClientSecret, [callback], [bea, ivan]);
        await CreateConnectorAsync("oidc-web", $"""
            kind: oidc
            version: v3
            metadata:
              name: corp-okta
            spec:
              issuer_url: {idp.Issuer}
              client_id: ferry-web
              client_secret: {ClientSecret}
              redirect_url: {callback}
              display: Corp Okta
              scope: [email, groups]
              claims_to_roles:
              - claim: groups
                value: cloud-admins
                roles:
                - aws-dynamodb-access
            """);

        var page = await fixture.NewPageAsync();
        await page.GotoAsync(Cluster.BaseUrl + "/web/login");
        await page.ClickAsync("[data-testid=sso-oidc-corp-okta]");
        await SignInAtIdpAsync(page, bea);
        await page.WaitForURLAsync(new Regex("/web/apps$"));
        Assert.Contains(ConsoleCluster.AppName, await page.ContentAsync());

        var refused = await fixture.NewPageAsync();
        await refused.GotoAsync(Cluster.BaseUrl + "/web/login");
        await refused.ClickAsync("[data-testid=sso-oidc-corp-okta]");
        await SignInAtIdpAsync(refused, ivan);
        await refused.WaitForSelectorAsync("text=Sign-in failed");
        var text = await refused.InnerTextAsync("body");
        Assert.Contains("No mapping of oidc connector \"corp-okta\" matched", text); // the page starts the sentence with a capital
        Assert.Contains("groups=[interns]", text);
        var audit = (await Cluster.TctlAsync("audit", "ls", "--type=user.login", "--format=json")).EnsureSuccess("tctl audit ls").Stdout;
        Assert.Contains("\"idp_subject\"", audit);
        Assert.Contains("groups=[interns]", audit);
    }

    private static async Task SignInAtIdpAsync(IPage page, IdpUser user)
    {
        await page.FillAsync("#login", user.Id);
        await page.FillAsync("#password", user.Password);
        await page.ClickAsync("#submit");
    }

    /// <summary>tsh login --auth=NAME --browser=none, the printed URL followed in chromium; returns `tsh status -f json`.</summary>
    private async Task<JsonElement> TshLoginAsync(string user, string connector, Func<IPage, Task> signIn, List<string>? callbacks = null)
    {
        var env = UserEnvironment(user);
        await using var tsh = TshBrowserLogin.Start(env, "login", $"--proxy=127.0.0.1:{Cluster.WebPort}", "--insecure", "--auth=" + connector, "--browser=none");
        var url = await tsh.UrlAsync();
        Assert.Contains("Use the following URL to authenticate", tsh.Stderr);
        var page = await fixture.NewPageAsync();
        page.Request += (_, request) =>
        {
            if (request.Url.StartsWith(Cluster.BaseUrl + "/v1/webapi/", StringComparison.Ordinal) && request.Method == "GET")
            {
                callbacks?.Add(request.Url);
            }
        };
        await page.GotoAsync(url);
        await signIn(page);
        await page.WaitForSelectorAsync("text=Login successful");
        Assert.True(await tsh.ExitCodeAsync() == 0, "tsh login failed\nstdout:\n" + tsh.Stdout + "\nstderr:\n" + tsh.Stderr);
        var status = (await Run.CommandAsync(Binaries.Tsh, ["status", "-f", "json"], env)).EnsureSuccess("tsh status -f json");
        return JsonDocument.Parse(status.Stdout).RootElement.GetProperty("active").Clone();
    }

    private static List<string> Roles(JsonElement status) => status.GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToList();

    private static List<string> Traits(JsonElement status, string name) =>
        status.GetProperty("traits").GetProperty(name).EnumerateArray().Select(r => r.GetString()!).ToList();

    /// <summary>The guide's two commands, verbatim, with aws-dynamodb-access added to the mapping in between.</summary>
    private async Task GuideStep2Async(string get, string create, string file)
    {
        var home = AdminHome();
        (await Run.BashAsync(get, AdminEnvironment(), home)).EnsureSuccess(get);
        var path = Path.Combine(home, file);
        var exported = await File.ReadAllTextAsync(path);
        Assert.Contains(ClientSecretOrKey(file), exported);
        var item = ListItem().Match(exported);
        Assert.True(item.Success, "no roles list in:\n" + exported);
        await File.WriteAllTextAsync(path, exported.Insert(item.Index + item.Length, "\n" + item.Groups["indent"].Value + "- aws-dynamodb-access"));
        (await Run.BashAsync(create, AdminEnvironment(), home)).EnsureSuccess(create);
    }

    private static string ClientSecretOrKey(string file) => file.StartsWith("saml", StringComparison.Ordinal) ? "-----BEGIN PRIVATE KEY-----" : ClientSecret;

    private async Task CreateConnectorAsync(string file, string yaml)
    {
        var path = Path.Combine(AdminHome(), file + "-setup.yaml");
        await File.WriteAllTextAsync(path, yaml + "\n");
        (await Cluster.TctlAsync("create", "-f", path)).EnsureSuccess("the administrator's connector " + file);
    }

    private async Task CreateRoleAsync(string name, string yaml)
    {
        var path = Path.Combine(AdminHome(), name + ".yaml");
        await File.WriteAllTextAsync(path, yaml + "\n");
        (await Cluster.TctlAsync("create", "-f", path)).EnsureSuccess("tctl create " + name);
    }

    private string AdminHome()
    {
        var home = Path.Combine(Cluster.Directory, "home-sso-admin");
        Directory.CreateDirectory(home);
        return home;
    }

    /// <summary>tctl on the auth host, as the guide's administrator runs it (the config found through TELEPORT_CONFIG_FILE).</summary>
    private Dictionary<string, string?> AdminEnvironment() => new()
    {
        ["HOME"] = AdminHome(),
        ["TELEPORT_HOME"] = Path.Combine(AdminHome(), ".tsh"),
        ["TELEPORT_CONFIG_FILE"] = Cluster.ConfigPath,
    };

    private Dictionary<string, string?> UserEnvironment(string user)
    {
        var home = Path.Combine(Cluster.Directory, "home-sso-" + user);
        Directory.CreateDirectory(home);
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = home, ["TELEPORT_HOME"] = Path.Combine(home, ".tsh"), ["TELEPORT_CONFIG_FILE"] = null, ["TELEPORT_PROXY"] = null, ["TELEPORT_USER"] = null,
            ["AWS_DEFAULT_REGION"] = "us-east-1", ["AWS_PAGER"] = "", ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null,
        };
        foreach (var name in new[]
        {
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_CA_BUNDLE", "AWS_ENDPOINT_URL",
            "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE",
        })
        {
            environment[name] = null;
        }

        return environment;
    }

    [GeneratedRegex(@"roles:\n(?<indent>\s*)- apps-only")]
    private static partial Regex ListItem();
}
