using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ferry.Web.Tests.Infrastructure;
using Ferry.Web.Tests.Infrastructure.Idps;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Playwright;

namespace Ferry.Web.Tests.Sso;

/// <summary>
/// Single sign-on as the guide's people meet it, against real identity providers on loopback (npm's oidc-provider and
/// samlify, a GitHub Enterprise stand-in), one real cluster and Debian's chromium: the administrator's connector and the
/// guide's Step 2 (<c>tctl get KIND/NAME --with-secrets &gt; KIND.yaml</c>, aws-dynamodb-access added, <c>tctl create -f</c>),
/// then <c>tsh login --auth=NAME --browser=none</c> finished in the browser; roles from <c>{{external.aws_role_arns}}</c>
/// down to moto; the sign-in page's buttons; the cluster's default connector; and what an attacker or an unmapped user
/// gets: a replayed answer, a client redirect off loopback, a login no mapping matches — each in the audit log.
/// </summary>
public sealed class SsoLoginTests(SsoFixture fixture) : IClassFixture<SsoFixture>
{
    private readonly SsoAdmin _admin = new(fixture);

    private ConsoleCluster Cluster => fixture.Cluster;

    [Theory]
    [InlineData("github")]
    [InlineData("oidc")]
    [InlineData("saml")]
    public async Task GuideStep2_AddsAwsDynamodbAccess_AndTshLoginInTheBrowser_GetsIt(string kind)
    {
        var (connector, secret, user, subject, signIn) = kind switch
        {
            "github" => ("github", SsoPeople.ClientSecret, "octo", "octo", (Func<IPage, Task>)(page => page.ClickAsync("#authorize"))),
            "oidc" => ("myoidc", SsoPeople.ClientSecret, SsoPeople.Olive.Email, SsoPeople.Olive.Id, page => SignInAtIdpAsync(page, SsoPeople.Olive)),
            _ => ("mysaml", "-----BEGIN PRIVATE KEY-----", SsoPeople.Sam.Email, SsoPeople.Sam.Email, (Func<IPage, Task>)(page => SignInAtIdpAsync(page, SsoPeople.Sam))),
        };

        // Before the guide: the administrator's connector gives only apps-only.
        switch (kind)
        {
            case "github":
                fixture.Github.User = SsoPeople.Octo;
                await _admin.CreateGithubAsync("github", ("octo-org", "cloud-admins", "apps-only"));
                break;
            case "oidc":
                await _admin.CreateOidcAsync("myoidc", ("groups", "cloud-admins", "apps-only"));
                break;
            default:
                await _admin.CreateMysamlAsync(("groups", "cloud-admins", "apps-only"));
                break;
        }

        await _admin.GuideStep2Async($"tctl get {kind}/{connector} --with-secrets > {kind}.yaml", $"tctl create -f {kind}.yaml", kind + ".yaml", secret);
        var status = await TshLoginAsync(user, ["--auth=" + connector], signIn);

        Assert.Equal(user, status.GetProperty("username").GetString());
        Assert.Equal(["apps-only", "aws-dynamodb-access"], Strings(status.GetProperty("roles")));
        var stored = await _admin.UserAsync(user);
        var createdBy = stored.GetProperty("spec").GetProperty("created_by").GetProperty("connector");
        Assert.Equal(kind, createdBy.GetProperty("type").GetString());
        Assert.Equal(connector, createdBy.GetProperty("id").GetString());
        Assert.Equal(subject, createdBy.GetProperty("identity").GetString());
        Assert.True(stored.GetProperty("metadata").TryGetProperty("expires", out _), "an SSO user expires with its session:\n" + stored);
        var traits = stored.GetProperty("spec").GetProperty("traits");
        if (kind == "github")
        {
            Assert.Equal(["octo"], Strings(traits.GetProperty("logins")));
            Assert.Equal(["cloud-admins"], Strings(traits.GetProperty("github_teams")));
            Assert.Equal(["octo-org"], Strings(traits.GetProperty("github_orgs")));
        }
        else
        {
            Assert.Equal(["cloud-admins"], Strings(traits.GetProperty("groups")));
            Assert.Equal([user], Strings(traits.GetProperty("email")));
        }

        Assert.Equal(Strings(traits), Strings(status.GetProperty("traits")));
        var login = Assert.Single(await _admin.LoginEventsAsync(), e => Text(e, "user") == user);
        Assert.True(login.GetProperty("success").GetBoolean());
        Assert.Equal(kind, login.GetProperty("method").GetString());
        Assert.Equal(connector, login.GetProperty("connector").GetString());
        Assert.Equal(subject, login.GetProperty("idp_subject").GetString());
        Assert.Equal(["apps-only", "aws-dynamodb-access"], Strings(login.GetProperty("roles")));
    }

    [Fact]
    public async Task Oidc_ExternalAwsRoleArns_TshAppsLoginAndTshAws_ReachMotoAsTheUser()
    {
        var alice = SsoPeople.Alice;
        await _admin.CreateAsync("sso-aws.yaml", """
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
        await _admin.CreateOidcAsync("oidc-aws", ("groups", "aws-users", "sso-aws"));

        var status = await TshLoginAsync(alice.Email, ["--auth=oidc-aws"], page => SignInAtIdpAsync(page, alice));
        Assert.Equal(["sso-aws"], Strings(status.GetProperty("roles")));
        Assert.Equal([ConsoleCluster.RoleArn], Strings(status.GetProperty("traits").GetProperty("aws_role_arns")));

        var env = UserEnvironment(alice.Email);
        (await Run.CommandAsync(Binaries.Tsh, ["apps", "login", ConsoleCluster.AppName, "--aws-role", ConsoleCluster.RoleArn], env)).EnsureSuccess("tsh apps login");
        var identity = (await Run.CommandAsync(Binaries.Tsh, ["aws", "sts", "get-caller-identity"], env)).EnsureSuccess("tsh aws sts get-caller-identity");
        var assumed = ConsoleCluster.RoleArn.Replace(":iam::", ":sts::", StringComparison.Ordinal).Replace(":role/", ":assumed-role/", StringComparison.Ordinal);
        Assert.Equal(assumed + "/" + alice.Email, JsonDocument.Parse(identity.Stdout).RootElement.GetProperty("Arn").GetString());
    }

    [Fact]
    public async Task WebUi_SignInPage_HasAButtonPerConnector_AndEachKindsButtonSignsIn()
    {
        fixture.Github.User = SsoPeople.Gwen;
        await _admin.CreateOidcAsync("okta", ("groups", "cloud-admins", "aws-dynamodb-access"));
        await _admin.CreateGithubAsync("ghe", ("octo-org", "cloud-admins", "aws-dynamodb-access"));
        await _admin.CreateMysamlAsync(("groups", "cloud-admins", "aws-dynamodb-access"));

        var page = await fixture.NewPageAsync();
        await page.GotoAsync(Cluster.BaseUrl + "/web/login");
        using var http = ConsoleCluster.InsecureHttp();
        var listed = await http.GetFromJsonAsync<JsonElement>($"https://127.0.0.1:{Cluster.WebPort}/v1/webapi/sso/connectors");
        var connectors = listed.GetProperty("connectors").EnumerateArray().ToList();
        foreach (var connector in connectors)
        {
            var testId = $"sso-{connector.GetProperty("kind").GetString()}-{connector.GetProperty("name").GetString()}";
            Assert.Equal("Sign in with " + connector.GetProperty("display").GetString(), (await page.GetByTestId(testId).InnerTextAsync()).Trim());
        }

        Assert.Equal(connectors.Count, await page.Locator("[data-testid=sso-list] a").CountAsync());
        Assert.Equal("Sign in with Corp Okta", (await page.GetByTestId("sso-oidc-okta").InnerTextAsync()).Trim());
        Assert.Equal("Sign in with GitHub Enterprise", (await page.GetByTestId("sso-github-ghe").InnerTextAsync()).Trim());
        await page.GetByTestId("sso-oidc-okta").ClickAsync();
        await SignInAtIdpAsync(page, SsoPeople.Bea);
        await AssertOnApplicationsAsync(page, SsoPeople.Bea.Email);

        var second = await fixture.NewPageAsync();
        await second.GotoAsync(Cluster.BaseUrl + "/web/login");
        await second.GetByTestId("sso-github-ghe").ClickAsync();
        await second.ClickAsync("#authorize");
        await AssertOnApplicationsAsync(second, "gwen");

        var third = await fixture.NewPageAsync();
        var acs = await SignInWithButtonAsync(third, "sso-saml-mysaml", SsoPeople.Sid.Email, p => SignInAtIdpAsync(p, SsoPeople.Sid));
        Assert.Equal("POST", acs.Method); // the HTTP-POST binding, cross-site: the SameSite=None binding cookie went with it
    }

    [Theory]
    [InlineData("oidc")]
    [InlineData("github")]
    [InlineData("saml")]
    public async Task ReplayedAnswer_AfterASuccessfulBrowserLogin_MatchesNoLoginInProgress(string kind)
    {
        string user;
        switch (kind)
        {
            case "oidc":
                await _admin.CreateOidcAsync("okta", ("groups", "cloud-admins", "aws-dynamodb-access"));
                user = SsoPeople.Rita.Email;
                break;
            case "github":
                fixture.Github.User = SsoPeople.Hal;
                await _admin.CreateGithubAsync("ghe", ("octo-org", "cloud-admins", "aws-dynamodb-access"));
                user = "hal";
                break;
            default:
                await _admin.CreateMysamlAsync(("groups", "cloud-admins", "aws-dynamodb-access"));
                user = SsoPeople.Ray.Email;
                break;
        }

        var page = await fixture.NewPageAsync();
        var answer = await SignInWithButtonAsync(page, kind switch { "oidc" => "sso-oidc-okta", "github" => "sso-github-ghe", _ => "sso-saml-mysaml" }, user,
            kind switch { "github" => p => p.ClickAsync("#authorize"), "oidc" => p => SignInAtIdpAsync(p, SsoPeople.Rita), _ => p => SignInAtIdpAsync(p, SsoPeople.Ray) });
        var refusalsBefore = (await _admin.LoginEventsAsync()).Count(e => IsUsedRequestRefusal(e, kind));

        // The same answer again, from the same browser: the login it names was used up by the first.
        if (kind == "saml")
        {
            Assert.Equal("POST", answer.Method);
            var form = QueryHelpers.ParseQuery(answer.PostData);
            Assert.True(form.ContainsKey("SAMLResponse") && form.ContainsKey("RelayState"), "the ACS got: " + answer.PostData);
            await PostFormAsync(page, answer.Url, form.ToDictionary(f => f.Key, f => f.Value.ToString()));
        }
        else
        {
            Assert.Equal("GET", answer.Method);
            await page.GotoAsync(answer.Url);
        }

        await page.WaitForSelectorAsync("text=Sign-in failed");
        Assert.Contains("sign-in answer matches no login in progress: it was already used", await page.InnerTextAsync("body")); // the page capitalises the sentence
        Assert.Equal(refusalsBefore + 1, (await _admin.LoginEventsAsync()).Count(e => IsUsedRequestRefusal(e, kind)));
    }

    private static bool IsUsedRequestRefusal(JsonElement e, string kind) =>
        !e.GetProperty("success").GetBoolean() && Text(e, "method") == kind && Text(e, "error") == "login answer used a second time (a replay)"
        && Text(e, "connector") == kind switch { "oidc" => "okta", "github" => "ghe", _ => "mysaml" }; // named even where the callback URL is not

    [Fact]
    public async Task Saml_CapturedResponse_PostedWithAnotherLoginsRelayState_IsRefused()
    {
        // Mallory has Sue's SAMLResponse (the ACS URL is no secret) and starts a login of her own, so her RelayState is
        // live and her browser holds its binding cookie: the assertion still answers Sue's AuthnRequest, not hers.
        await _admin.CreateMysamlAsync(("groups", "cloud-admins", "aws-dynamodb-access"));
        var answer = await SignInWithButtonAsync(await fixture.NewPageAsync(), "sso-saml-mysaml", SsoPeople.Sue.Email, p => SignInAtIdpAsync(p, SsoPeople.Sue));
        var captured = QueryHelpers.ParseQuery(answer.PostData)["SAMLResponse"].ToString();

        var mallory = await fixture.NewPageAsync();
        await mallory.GotoAsync(Cluster.BaseUrl + "/web/login");
        await mallory.GetByTestId("sso-saml-mysaml").ClickAsync();
        await mallory.WaitForURLAsync(url => url.StartsWith(fixture.Saml.SsoUrl, StringComparison.Ordinal));
        var relayState = QueryHelpers.ParseQuery(new Uri(mallory.Url).Query)["RelayState"].ToString();
        Assert.NotEmpty(relayState);
        await PostFormAsync(mallory, answer.Url, new Dictionary<string, string> { ["SAMLResponse"] = captured, ["RelayState"] = relayState });

        await mallory.WaitForSelectorAsync("text=Sign-in failed");
        await mallory.GotoAsync(Cluster.BaseUrl + "/web/apps");
        Assert.StartsWith(Cluster.BaseUrl + "/web/login", mallory.Url);
        var refused = (await _admin.LoginEventsAsync()).First(e => Text(e, "method") == "saml");
        Assert.False(refused.GetProperty("success").GetBoolean());
        Assert.Equal("mysaml", Text(refused, "connector"));
        Assert.Contains("InResponseTo", Text(refused, "error"));
    }

    [Theory]
    [InlineData("https://evil.example/callback")]
    [InlineData("http://evil.example:8080/callback")]
    [InlineData("http://127.0.0.1.evil.example:8080/callback")]
    public async Task ConsoleLogin_ClientRedirectOffLoopback_IsRefusedWith400(string clientRedirect)
    {
        using var http = ConsoleCluster.InsecureHttp();
        using var answer = await http.PostAsJsonAsync($"https://127.0.0.1:{Cluster.WebPort}/v1/webapi/sso/console", new Dictionary<string, string>
        {
            ["connector"] = "myoidc",
            ["public_key"] = "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
            ["client_redirect_url"] = clientRedirect,
            ["seal_key"] = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        });

        Assert.Equal(HttpStatusCode.BadRequest, answer.StatusCode);
        Assert.Contains("client redirect URL refused", await answer.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task LoginThatNoMappingMatches_TshExitsNonZeroSayingWhatWasSeen_AndTheAuditKeepsTheReason()
    {
        var ivan = SsoPeople.Ivan;
        await _admin.CreateOidcAsync("myoidc", ("groups", "cloud-admins", "apps-only"));
        var env = UserEnvironment(ivan.Email);

        await using var tsh = TshBrowserLogin.Start(env, "login", $"--proxy=127.0.0.1:{Cluster.WebPort}", "--insecure", "--auth=myoidc", "--browser=none");
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(await tsh.UrlAsync());
        await SignInAtIdpAsync(page, ivan);

        const string refusal = "no mapping of oidc connector \"myoidc\" matched, so the login grants no role; seen: groups=[interns]";
        await page.WaitForSelectorAsync("text=Login failed");
        Assert.Contains(refusal, await page.InnerTextAsync("body"));
        Assert.Equal(3, await tsh.ExitCodeAsync());
        Assert.Contains(refusal, tsh.Stderr);
        Assert.DoesNotContain("   at ", tsh.Stderr);
        var status = await Run.CommandAsync(Binaries.Tsh, ["status"], env);
        Assert.Equal(3, status.ExitCode);
        Assert.Contains("not logged in", status.Stderr);
        Assert.Equal(4, (await _admin.RunAsync($"tctl get users/{ivan.Email}")).ExitCode);

        var refused = Assert.Single(await _admin.LoginEventsAsync(), e => Text(e, "user") == ivan.Email);
        Assert.False(refused.GetProperty("success").GetBoolean());
        Assert.Equal("oidc", refused.GetProperty("method").GetString());
        Assert.Equal("myoidc", refused.GetProperty("connector").GetString());
        Assert.Equal(ivan.Id, refused.GetProperty("idp_subject").GetString());
        Assert.Contains(refusal, refused.GetProperty("error").GetString());
    }

    [Fact]
    public async Task ClusterDefaultIsMyoidc_TshLoginWithoutAuth_GoesThroughIt()
    {
        var dora = SsoPeople.Dora;
        await _admin.CreateOidcAsync("myoidc", ("groups", "cloud-admins", "aws-dynamodb-access"));
        var env = UserEnvironment(dora.Email);

        await using var tsh = TshBrowserLogin.Start(env, "login", $"--proxy=127.0.0.1:{Cluster.WebPort}", "--insecure", "--browser=none");
        var url = await tsh.UrlAsync();
        Assert.StartsWith(fixture.Oidc.Issuer + "/", url);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(url);
        await SignInAtIdpAsync(page, dora);
        await page.WaitForSelectorAsync("text=Login successful");
        Assert.True(await tsh.ExitCodeAsync() == 0, "tsh login failed\nstdout:\n" + tsh.Stdout + "\nstderr:\n" + tsh.Stderr);

        Assert.Contains("Logged in as:       " + dora.Email, tsh.Stdout);
        Assert.Contains("aws-dynamodb-access", tsh.Stdout);
        var createdBy = (await _admin.UserAsync(dora.Email)).GetProperty("spec").GetProperty("created_by").GetProperty("connector");
        Assert.Equal("oidc", createdBy.GetProperty("type").GetString());
        Assert.Equal("myoidc", createdBy.GetProperty("id").GetString());
    }

    /// <summary>
    /// The sign-in page's button, the identity provider's page, then Applications signed in as <paramref name="user"/>;
    /// returns the request that brought the provider's answer to the proxy (callback or ACS), as the browser sent it.
    /// </summary>
    private async Task<IRequest> SignInWithButtonAsync(IPage page, string testId, string user, Func<IPage, Task> atIdp)
    {
        var answers = new List<IRequest>();
        page.Request += (_, request) =>
        {
            if (new Uri(request.Url).AbsolutePath is "/v1/webapi/oidc/callback" or "/v1/webapi/github/callback" || request.Url.Contains("/v1/webapi/saml/acs/", StringComparison.Ordinal))
            {
                answers.Add(request);
            }
        };
        await page.GotoAsync(Cluster.BaseUrl + "/web/login");
        await page.GetByTestId(testId).ClickAsync();
        await atIdp(page);
        await AssertOnApplicationsAsync(page, user);
        return Assert.Single(answers);
    }

    private static async Task SignInAtIdpAsync(IPage page, IdpUser user)
    {
        await page.FillAsync("#login", user.Id);
        await page.FillAsync("#password", user.Password);
        await page.ClickAsync("#submit");
    }

    private async Task AssertOnApplicationsAsync(IPage page, string user)
    {
        // A deadline for a loaded CI machine (the web and integration suites share two cores); where the browser
        // ended up instead is the failure's message.
        try
        {
            await page.WaitForURLAsync(Cluster.BaseUrl + "/web/apps", new() { Timeout = 45_000 });
        }
        catch (TimeoutException e)
        {
            var text = await page.InnerTextAsync("body");
            throw new Xunit.Sdk.XunitException($"the browser did not reach Applications; it is at {page.Url}: {text[..Math.Min(text.Length, 600)]}\n{e.Message}");
        }

        Assert.Equal(user, (await page.GetByTestId("user-name").InnerTextAsync()).Trim());
        Assert.True(await page.Locator($"[data-testid=app-row][data-app={ConsoleCluster.AppName}]").IsVisibleAsync(), "no aws-dynamodb row on Applications");
    }

    /// <summary>A form post from the page, as an identity provider's self-submitting form makes it; the browser navigates to the answer.</summary>
    private static Task PostFormAsync(IPage page, string url, Dictionary<string, string> fields) => page.EvaluateAsync("""
        ([url, fields]) => {
          const form = document.createElement("form");
          form.method = "POST";
          form.action = url;
          for (const [name, value] of Object.entries(fields)) {
            const input = document.createElement("input");
            input.type = "hidden";
            input.name = name;
            input.value = value;
            form.appendChild(input);
          }
          document.body.appendChild(form);
          form.submit();
        }
        """, new object[] { url, fields });

    /// <summary>tsh login as a user (own home), the printed URL followed in a new browser profile; returns `tsh status -f json`'s active profile.</summary>
    private async Task<JsonElement> TshLoginAsync(string user, string[] auth, Func<IPage, Task> signIn)
    {
        var env = UserEnvironment(user);
        await using var tsh = TshBrowserLogin.Start(env, ["login", $"--proxy=127.0.0.1:{Cluster.WebPort}", "--insecure", .. auth, "--browser=none"]);
        var url = await tsh.UrlAsync();
        Assert.Contains("Use the following URL to authenticate:", tsh.Stderr);
        var page = await fixture.NewPageAsync();
        await page.GotoAsync(url);
        await signIn(page);
        await page.WaitForSelectorAsync("text=Login successful. You can close this window and return to the terminal.");
        Assert.True(await tsh.ExitCodeAsync() == 0, "tsh login failed\nstdout:\n" + tsh.Stdout + "\nstderr:\n" + tsh.Stderr);
        Assert.Contains("Logged in as:       " + user, tsh.Stdout);
        var status = (await Run.CommandAsync(Binaries.Tsh, ["status", "-f", "json"], env)).EnsureSuccess("tsh status -f json");
        return JsonDocument.Parse(status.Stdout).RootElement.GetProperty("active").Clone();
    }

    private static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static List<string> Strings(JsonElement array) => array.ValueKind == JsonValueKind.Object
        ? array.EnumerateObject().Select(p => p.Name + "=" + string.Join(",", Strings(p.Value))).Order(StringComparer.Ordinal).ToList()
        : array.EnumerateArray().Select(r => r.GetString()!).ToList();

    /// <summary>A user's shell on their laptop: own HOME and profile, no AWS or proxy settings from the machine.</summary>
    private Dictionary<string, string?> UserEnvironment(string user) => Cluster.TshEnvironment("home-sso-" + user);
}
