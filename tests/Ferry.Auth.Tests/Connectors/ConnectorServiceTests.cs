using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using static Ferry.Auth.Tests.Infrastructure.ConnectorSamples;

namespace Ferry.Auth.Tests.Connectors;

/// <summary>Connectors as auth stores them: whole or not at all, every problem at once, stored secrets kept.</summary>
public sealed class ConnectorServiceTests
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    public static TheoryData<string> Kinds() => new(ResourceKinds.Connectors);

    private static IAuthConnector Sample(string kind, params string[] roles) => kind switch
    {
        ResourceKinds.Github => Github(roles: roles),
        ResourceKinds.Oidc => Oidc(roles: roles),
        _ => Saml(keyPair: KeyPair(), roles: roles),
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Upsert_New_IsStoredUnderConnectorsKindName_AndAudited(string kind)
    {
        await using var auth = await AuthFixture.StartAsync();
        var connector = Sample(kind);

        await auth.Server.Connectors.UpsertAsync(connector, force: false, "admin", Ct);

        var key = $"/connectors/{kind}/{connector.Metadata.Name}";
        Assert.NotNull(await auth.Server.Backend.GetAsync(key, Ct));
        var stored = await auth.Server.Connectors.GetAsync(kind, connector.Metadata.Name, Ct);
        Assert.Equal(ResourceJson.Serialize(connector), ResourceJson.Serialize(stored.WithMetadata(stored.Metadata with { Revision = null })));
        var created = Assert.Single(await auth.EventsAsync($"{kind}.created"));
        Assert.Equal("admin", created.User);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Upsert_RoleThatDoesNotExist_IsRefusedNamingTheMapping_AndNothingIsWritten(string kind)
    {
        await using var auth = await AuthFixture.StartAsync();
        var connector = Sample(kind, "access", "x");

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Connectors.UpsertAsync(connector, force: false, "admin", Ct).AsTask());

        Assert.Equal(ErrorKind.BadParameter, error.Kind);
        var place = connector.RoleMappings[0].Place;
        Assert.Contains($"role \"x\" in {place} does not exist; create it first: existing roles: access, auditor, editor", error.Message);
        Assert.Empty(await auth.Server.Connectors.ListAsync(kind, Ct));
        Assert.Empty(await auth.EventsAsync($"{kind}.created"));
    }

    [Fact]
    public async Task Upsert_NewConnectorWithoutSecretAndWithUnknownRoles_ReportsEveryProblemAtOnce()
    {
        await using var auth = await AuthFixture.StartAsync();
        var connector = Github(secret: null, roles: ["ghost", "phantom"]);

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Connectors.UpsertAsync(connector, force: false, "admin", Ct).AsTask());

        Assert.StartsWith("github connector \"github\" has 3 problems:", error.Message);
        Assert.Contains("missing required key at spec.client_secret: a new github connector needs it", error.Message);
        Assert.Contains("role \"ghost\" in teams_to_roles[0] does not exist", error.Message);
        Assert.Contains("role \"phantom\" in teams_to_roles[0] does not exist", error.Message);
    }

    [Fact]
    public async Task Upsert_RolesFilledInFromTheClaim_AreNotCheckedUpFront()
    {
        await using var auth = await AuthFixture.StartAsync();
        var oidc = Oidc();
        oidc = oidc with
        {
            Spec = oidc.Spec with { ClaimsToRoles = [new ClaimMapping { Claim = "groups", Value = "^team-(.*)$", Roles = ["$1-access", "access"] }] },
        };

        await auth.Server.Connectors.UpsertAsync(oidc, force: false, "admin", Ct);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Upsert_Existing_WithoutForce_IsAlreadyExists(string kind)
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.Server.Connectors.UpsertAsync(Sample(kind), force: false, "admin", Ct);

        var error = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Connectors.UpsertAsync(Sample(kind), force: false, "admin", Ct).AsTask());

        Assert.Equal(ErrorKind.AlreadyExists, error.Kind);
        Assert.Contains("already exists; use --force (-f) to overwrite it", error.Message);
    }

    [Fact]
    public async Task Upsert_WithForce_ABlankSecretKeepsTheStoredOne_AGivenOneReplacesIt()
    {
        await using var auth = await AuthFixture.StartAsync();
        await auth.Server.Connectors.UpsertAsync(Github(), force: false, "admin", Ct);
        await auth.Server.Connectors.UpsertAsync(Oidc(), force: false, "admin", Ct);

        await auth.Server.Connectors.UpsertAsync(Github(secret: null, roles: ["access", "editor"]), force: true, "admin", Ct);
        await auth.Server.Connectors.UpsertAsync(Oidc(secret: "rotated"), force: true, "admin", Ct);

        var github = Assert.IsType<GithubConnector>(await auth.Server.Connectors.GetAsync(ResourceKinds.Github, "github", Ct));
        var oidc = Assert.IsType<OidcConnector>(await auth.Server.Connectors.GetAsync(ResourceKinds.Oidc, "myoidc", Ct));
        Assert.Equal(GithubSecret, github.Spec.ClientSecret);
        Assert.Equal(["access", "editor"], github.Spec.TeamsToRoles[0].Roles);
        Assert.Equal("rotated", oidc.Spec.ClientSecret);
        Assert.Single(await auth.EventsAsync(EventTypes.GithubConnectorUpdate));
        Assert.Equal("T80002I", (await auth.EventsAsync(EventTypes.GithubConnectorUpdate))[0].Code);
    }

    [Fact]
    public async Task Upsert_SamlWithoutKeyPair_GetsOne_AndReapplyingWithoutTheKeyKeepsIt()
    {
        await using var auth = await AuthFixture.StartAsync();

        await auth.Server.Connectors.UpsertAsync(Saml(), force: false, "admin", Ct);
        var made = Assert.IsType<SamlConnector>(await auth.Server.Connectors.GetAsync(ResourceKinds.Saml, "mysaml", Ct)).Spec.SigningKeyPair!;
        var printed = Assert.IsType<SamlConnector>((await auth.Server.Connectors.GetAsync(ResourceKinds.Saml, "mysaml", Ct)).WithoutSecrets());
        await auth.Server.Connectors.UpsertAsync(printed, force: true, "admin", Ct);

        Assert.StartsWith("-----BEGIN CERTIFICATE-----", made.Cert);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", made.PrivateKey);
        Assert.Null(printed.Spec.SigningKeyPair!.PrivateKey);
        var kept = Assert.IsType<SamlConnector>(await auth.Server.Connectors.GetAsync(ResourceKinds.Saml, "mysaml", Ct)).Spec.SigningKeyPair;
        Assert.Equal(made, kept);
    }

    [Fact]
    public async Task Upsert_SamlWithANewCertificateButNoKey_IsRefused_BecauseTheStoredKeyDoesNotBelongToIt()
    {
        await using var auth = await AuthFixture.StartAsync();
        var original = KeyPair();
        await auth.Server.Connectors.UpsertAsync(Saml(keyPair: original), force: false, "admin", Ct);

        var error = await Assert.ThrowsAsync<FerryException>(() =>
            auth.Server.Connectors.UpsertAsync(Saml(keyPair: KeyPair() with { PrivateKey = null }), force: true, "admin", Ct).AsTask());

        Assert.Contains("the private key does not belong to signing_key_pair.cert", error.Message);
        var kept = Assert.IsType<SamlConnector>(await auth.Server.Connectors.GetAsync(ResourceKinds.Saml, "mysaml", Ct)).Spec.SigningKeyPair;
        Assert.Equal(original, kept);
    }

    [Fact]
    public async Task Upsert_NewSamlWithACertificateButNoKey_SaysTheKeyIsMissing()
    {
        await using var auth = await AuthFixture.StartAsync();

        var error = await Assert.ThrowsAsync<FerryException>(() =>
            auth.Server.Connectors.UpsertAsync(Saml(keyPair: KeyPair() with { PrivateKey = null }), force: false, "admin", Ct).AsTask());

        Assert.Contains("missing required key at spec.signing_key_pair.private_key", error.Message);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Delete_RemovesIt_AndAudits_AndAnUnknownOneIsNotFound(string kind)
    {
        await using var auth = await AuthFixture.StartAsync();
        var connector = Sample(kind);
        await auth.Server.Connectors.UpsertAsync(connector, force: false, "admin", Ct);

        await auth.Server.Connectors.DeleteAsync(kind, connector.Metadata.Name, "admin", Ct);
        var again = await Assert.ThrowsAsync<FerryException>(() => auth.Server.Connectors.DeleteAsync(kind, connector.Metadata.Name, "admin", Ct).AsTask());

        Assert.Empty(await auth.Server.Connectors.ListAsync(kind, Ct));
        Assert.Single(await auth.EventsAsync($"{kind}.deleted"));
        Assert.Equal(ErrorKind.NotFound, again.Kind);
        Assert.Contains($"{kind} connector \"{connector.Metadata.Name}\" not found", again.Message);
    }
}
