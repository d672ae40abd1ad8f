using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Web.Tests.Infrastructure;

namespace Ferry.Web.Tests.Sso;

/// <summary>
/// The guide's administrator on the auth host: tctl through bash (so <c>&gt; file</c> is a real shell redirect), with the
/// cluster's config found through TELEPORT_CONFIG_FILE, in a home of its own. Connectors are written as the
/// administrator would write them, with a mapping per (team or claim or attribute, value, role).
/// </summary>
internal sealed partial class SsoAdmin(SsoFixture fixture)
{
    private ConsoleCluster Cluster => fixture.Cluster;

    public string Home
    {
        get
        {
            var home = Path.Combine(Cluster.Directory, "home-sso-admin");
            Directory.CreateDirectory(home);
            return home;
        }
    }

    /// <summary>Runs a command line as the administrator types it, in their home.</summary>
    public Task<ProcessResult> RunAsync(string commandLine) => Run.BashAsync(commandLine, Environment(), Home);

    /// <summary><see cref="RunAsync"/>, failing the test when the command fails.</summary>
    public async Task<ProcessResult> BashAsync(string commandLine) => (await RunAsync(commandLine)).EnsureSuccess(commandLine);

    /// <summary>Writes FILE and runs <c>tctl create -f FILE</c> (-f: the connector may exist from another test; this is the version a test starts from).</summary>
    public async Task CreateAsync(string file, string yaml)
    {
        await File.WriteAllTextAsync(Path.Combine(Home, file), yaml + "\n");
        await BashAsync("tctl create -f " + file);
    }

    public Task CreateOidcAsync(string name, params (string Claim, string Value, string Role)[] mappings) => CreateAsync(name + "-setup.yaml", $"""
        kind: oidc
        version: v3
        metadata:
          name: {name}
        spec:
          issuer_url: {fixture.Oidc.Issuer}
          client_id: ferry
          client_secret: {SsoPeople.ClientSecret}
          redirect_url: {fixture.OidcCallback}
          display: {Display(name)}
          scope: [email, groups]
          claims_to_roles:
        {string.Join("\n", mappings.Select(m => $"  - claim: {m.Claim}\n    value: '{m.Value}'\n    roles:\n    - {m.Role}"))}
        """);

    public Task CreateGithubAsync(string name, params (string Org, string Team, string Role)[] mappings) => CreateAsync(name + "-setup.yaml", $"""
        kind: github
        version: v3
        metadata:
          name: {name}
        spec:
          client_id: gh-client
          client_secret: {SsoPeople.ClientSecret}
          redirect_url: {fixture.GithubCallback}
          endpoint_url: {fixture.Github.BaseUrl}
          api_endpoint_url: {fixture.Github.ApiUrl}
          display: {Display(name)}
          teams_to_roles:
        {string.Join("\n", mappings.Select(m => $"  - organization: {m.Org}\n    team: {m.Team}\n    roles:\n    - {m.Role}"))}
        """);

    /// <summary>The SAML connector the class's IdP knows (its ACS names mysaml); metadata by URL, no key pair (auth makes one).</summary>
    public Task CreateMysamlAsync(params (string Attribute, string Value, string Role)[] mappings) => CreateAsync("mysaml-setup.yaml", $"""
        kind: saml
        version: v2
        metadata:
          name: mysaml
        spec:
          acs: {fixture.SamlAcs}
          entity_descriptor_url: {fixture.Saml.MetadataUrl}
          display: {Display("mysaml")}
          attributes_to_roles:
        {string.Join("\n", mappings.Select(m => $"  - name: {m.Attribute}\n    value: '{m.Value}'\n    roles:\n    - {m.Role}"))}
        """);

    /// <summary>The label on the sign-in page's button: "Sign in with {Display(name)}".</summary>
    public static string Display(string connector) => connector switch
    {
        "github" => "GitHub",
        "ghe" => "GitHub Enterprise",
        "myoidc" => "Okta",
        "okta" => "Corp Okta",
        "mysaml" => "Entra ID",
        _ => connector,
    };

    /// <summary>
    /// The guide's Step 2: <paramref name="get"/> (tctl get KIND/NAME --with-secrets &gt; FILE), the edit a person makes
    /// (one more item under the mapping's roles), then <paramref name="create"/> (tctl create -f FILE).
    /// </summary>
    public async Task GuideStep2Async(string get, string create, string file, string secret)
    {
        await BashAsync(get);
        var path = Path.Combine(Home, file);
        var exported = await File.ReadAllTextAsync(path);
        Assert.Contains(secret, exported);
        var item = RolesListItem().Match(exported);
        Assert.True(item.Success, "no roles list in what tctl get wrote:\n" + exported);
        await File.WriteAllTextAsync(path, exported.Insert(item.Index + item.Length, "\n" + item.Groups["indent"].Value + "- aws-dynamodb-access"));
        var created = await BashAsync(create);
        Assert.Contains("has been created or updated", created.Stdout);
    }

    /// <summary>`tctl get users/NAME --format json`: the user resource.</summary>
    public async Task<JsonElement> UserAsync(string name)
    {
        var json = (await BashAsync($"tctl get users/{name} --format json")).Stdout;
        var root = JsonDocument.Parse(json).RootElement;
        return (root.ValueKind == JsonValueKind.Array ? Assert.Single(root.EnumerateArray().ToList()) : root).Clone();
    }

    /// <summary>The user.login events of the last hour, newest first (`tctl audit ls --type=user.login --format=json`).</summary>
    public async Task<List<JsonElement>> LoginEventsAsync()
    {
        var json = (await BashAsync("tctl audit ls --type=user.login --since=1h --format=json")).Stdout;
        return JsonDocument.Parse(json).RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
    }

    private Dictionary<string, string?> Environment() => new()
    {
        ["HOME"] = Home,
        ["TELEPORT_HOME"] = Path.Combine(Home, ".tsh"),
        ["TELEPORT_CONFIG_FILE"] = Cluster.ConfigPath,
    };

    [GeneratedRegex(@"roles:\n(?<indent>[ ]*)- apps-only")]
    private static partial Regex RolesListItem();
}
