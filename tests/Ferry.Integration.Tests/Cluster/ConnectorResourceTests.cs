using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Integration.Tests.Guide;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Cluster;

/// <summary>
/// The guide's Step 2 for users who log in through a connector, run verbatim with the real tctl after tsh login:
/// <c>tctl get KIND/NAME --with-secrets &gt; KIND.yaml</c>, add aws-dynamodb-access to the mapping, <c>tctl create -f KIND.yaml</c>.
/// This is the resource half (docs/resources.md); logins through them are tested in tests/Ferry.Web.Tests/Sso.
/// </summary>
public sealed class ConnectorResourceTests(ConnectorResourceTests.Fixture fixture) : IClassFixture<ConnectorResourceTests.Fixture>
{
    private const string Password = "correct-horse-battery-staple";
    private const string GithubSecret = "github-client-secret-9f2c";
    private const string OidcSecret = "oidc-client-secret-77ab";

    /// <summary>A cluster with the guide's role and alice (access, editor) logged in with tsh.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        internal TestCluster Cluster { get; private set; } = null!;

        /// <summary>The OIDC issuer the connectors name: tctl create reads its discovery document.</summary>
        internal OidcDiscoveryStandIn Issuer { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            Issuer = await OidcDiscoveryStandIn.StartAsync();
            Cluster = await TestCluster.StartAsync();
            await Cluster.AddUserAsync("alice", "access,editor", Password);
            (await Cluster.LoginAsync("alice", Password)).EnsureSuccess("tsh login");
            await File.WriteAllTextAsync(Path.Combine(Cluster.HomeOf("alice"), "aws-dynamodb-access.yaml"), AwsCluster.GuideRole + "\n");
            (await Run.BashAsync("tctl create -f aws-dynamodb-access.yaml", Cluster.Environment("alice"), Cluster.HomeOf("alice"))).EnsureSuccess("the guide's role");
        }

        public async Task DisposeAsync()
        {
            await Cluster.DisposeAsync();
            await Issuer.DisposeAsync();
        }
    }

    private TestCluster Cluster => fixture.Cluster;

    [Theory]
    [InlineData("github", "github", "tctl get github/github --with-secrets > github.yaml", "tctl create -f github.yaml", GithubSecret)]
    [InlineData("saml", "mysaml", "tctl get --with-secrets saml/mysaml > saml.yaml", "tctl create -f saml.yaml", "-----BEGIN PRIVATE KEY-----")]
    [InlineData("oidc", "myoidc", "tctl get oidc/myoidc --with-secrets > oidc.yaml", "tctl create -f oidc.yaml", OidcSecret)]
    public async Task Step2_RoleAddedToTheMapping_IsStored_AndTheSecretIsKeptButNotShown(string kind, string name, string get, string create, string secret)
    {
        var home = Cluster.HomeOf("alice");
        var env = Cluster.Environment("alice");
        await File.WriteAllTextAsync(Path.Combine(home, $"{kind}-setup.yaml"), Connector(kind, name));
        (await Run.BashAsync($"tctl create -f {kind}-setup.yaml", env, home)).EnsureSuccess("the administrator's connector");

        (await Run.BashAsync(get, env, home)).EnsureSuccess(get);
        var exported = await File.ReadAllTextAsync(Path.Combine(home, $"{kind}.yaml"));
        Assert.Contains(secret, exported);
        await File.WriteAllTextAsync(Path.Combine(home, $"{kind}.yaml"), GuideStep2Tests.AddRole(exported, "aws-dynamodb-access"));
        var applied = (await Run.BashAsync(create, env, home)).EnsureSuccess(create);

        Assert.Contains($"authentication connector \"{name}\" has been created or updated", applied.Stdout);
        var shown = (await Run.BashAsync($"tctl get {kind}/{name}", env, home)).EnsureSuccess("tctl get without secrets");
        Assert.Contains("- aws-dynamodb-access", shown.Stdout);
        Assert.DoesNotContain(secret, shown.Stdout);

        // What plain tctl get printed goes back in without its secret, and the stored secret stays.
        (await Run.BashAsync($"tctl get {kind}/{name} > plain.yaml && tctl create -f plain.yaml", env, home)).EnsureSuccess("re-apply without secrets");
        var again = (await Run.BashAsync($"tctl get {kind}/{name} --with-secrets", env, home)).EnsureSuccess("tctl get --with-secrets");
        Assert.Contains(secret, again.Stdout);
        Assert.Contains("- aws-dynamodb-access", again.Stdout);
    }

    [Fact]
    public async Task Create_MappingToARoleThatDoesNotExist_SaysSo_AndStoresNothing()
    {
        var home = Cluster.HomeOf("alice");
        await File.WriteAllTextAsync(Path.Combine(home, "typo.yaml"), Connector("github", "github-typo").Replace("- access", "- acess"));

        var created = await Run.BashAsync("tctl create -f typo.yaml", Cluster.Environment("alice"), home);

        Assert.Equal(1, created.ExitCode);
        Assert.Contains("role \"acess\" in teams_to_roles[0] does not exist; create it first", created.Stderr);
        Assert.DoesNotContain("   at ", created.Stderr);
        Assert.Equal(4, (await Cluster.TctlAsAsync("alice", ["get", "github/github-typo"])).ExitCode);
    }

    [Fact]
    public async Task Rm_DeletesTheConnector_AndListingsShowTheRest()
    {
        var home = Cluster.HomeOf("alice");
        var env = Cluster.Environment("alice");
        await File.WriteAllTextAsync(Path.Combine(home, "two.yaml"), Connector("oidc", "okta") + "---\n" + Connector("oidc", "entra"));
        (await Run.BashAsync("tctl create two.yaml", env, home)).EnsureSuccess("tctl create two.yaml");

        var removed = (await Run.BashAsync("tctl rm oidc/okta", env, home)).EnsureSuccess("tctl rm oidc/okta");
        var table = (await Run.BashAsync("tctl get oidc --format text", env, home)).EnsureSuccess("tctl get oidc --format text");

        Assert.Contains("oidc connector \"okta\" has been deleted", removed.Stdout);
        Assert.Contains("entra", table.Stdout);
        Assert.Contains("claims_to_roles[0]: access", table.Stdout);
        Assert.DoesNotContain("okta", table.Stdout);
        Assert.Equal(4, (await Cluster.TctlAsAsync("alice", ["get", "oidc/okta"])).ExitCode);
    }

    [Fact]
    public async Task Create_OidcConnectorWhoseIssuerCannotBeRead_SaysWhich_AndStoresNothing()
    {
        var home = Cluster.HomeOf("alice");
        await File.WriteAllTextAsync(Path.Combine(home, "offline.yaml"), Connector("oidc", "offline", "http://127.0.0.1:9"));

        var created = await Run.BashAsync("tctl create -f offline.yaml", Cluster.Environment("alice"), home);

        Assert.Equal(1, created.ExitCode);
        Assert.Contains("spec.issuer_url", created.Stderr);
        Assert.Contains("cannot read the OIDC discovery document of http://127.0.0.1:9", created.Stderr);
        Assert.DoesNotContain("   at ", created.Stderr);
        Assert.Equal(4, (await Cluster.TctlAsAsync("alice", ["get", "oidc/offline"])).ExitCode);
    }

    /// <summary>The connector an administrator set up before the guide (SAML without a key pair: auth makes one).</summary>
    private string Connector(string kind, string name, string? issuer = null)
    {
        var proxy = $"https://{Cluster.ProxyAddress}";
        issuer ??= fixture.Issuer.Issuer;
        return kind switch
        {
            "github" => $"""
                kind: github
                version: v3
                metadata:
                  name: {name}
                spec:
                  client_id: github-client-id
                  client_secret: {GithubSecret}
                  display: GitHub
                  redirect_url: {proxy}/v1/webapi/github/callback
                  teams_to_roles:
                  - organization: octocats
                    team: admins
                    roles:
                    - access

                """,
            "oidc" => $"""
                kind: oidc
                version: v3
                metadata:
                  name: {name}
                spec:
                  issuer_url: {issuer}
                  client_id: ferry
                  client_secret: {OidcSecret}
                  redirect_url: {proxy}/v1/webapi/oidc/callback
                  scope: [groups]
                  claims_to_roles:
                  - claim: groups
                    value: my-group
                    roles:
                    - access

                """,
            _ => $"""
                kind: saml
                version: v2
                metadata:
                  name: {name}
                spec:
                  acs: {proxy}/v1/webapi/saml/acs/{name}
                  attributes_to_roles:
                  - name: groups
                    value: my-group
                    roles:
                    - access
                  entity_descriptor: |
                    <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com">
                      <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                        <md:KeyDescriptor use="signing">
                          <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{IdpCertificate()}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
                        </md:KeyDescriptor>
                        <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="https://idp.example.com/sso"/>
                      </md:IDPSSODescriptor>
                    </md:EntityDescriptor>

                """,
        };
    }

    private static string IdpCertificate()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=idp.example.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return Convert.ToBase64String(certificate.RawData);
    }
}
