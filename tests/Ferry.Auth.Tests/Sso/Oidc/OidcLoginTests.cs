using System.Text.Json;
using System.Web;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Security;
using Ferry.Core.Sso;

namespace Ferry.Auth.Tests.Sso.Oidc;

/// <summary>
/// Logins through an OIDC connector, end to end inside auth (SsoService → OidcFlow → Microsoft.IdentityModel) against
/// a stand-in issuer on loopback: what a good login yields, and every attack the issue names refused with its reason,
/// leaving no user behind.
/// </summary>
public sealed class OidcLoginTests : IAsyncLifetime
{
    private AuthFixture _auth = null!;
    private OidcIssuerStandIn _issuer = null!;

    public async Task InitializeAsync()
    {
        _auth = await AuthFixture.StartAsync(o => o with { CheckConnectorEndpoints = true });
        // ID token lifetimes are checked against the real clock (Microsoft.IdentityModel), so the issuer uses it too.
        _issuer = await OidcIssuerStandIn.StartAsync(TimeProvider.System);
        await _auth.Server.Roles.CreateAsync(new Role { Metadata = new ResourceMetadata { Name = "ops" } }, false, "test", default);
        await _auth.Server.Connectors.UpsertAsync(new OidcConnector
        {
            Metadata = new ResourceMetadata { Name = "myoidc" },
            Spec = new OidcConnectorSpec
            {
                IssuerUrl = _issuer.Issuer,
                ClientId = OidcIssuerStandIn.ClientId,
                ClientSecret = OidcIssuerStandIn.ClientSecret,
                RedirectUrls = [ConnectorSamples.Proxy + OidcConnector.CallbackPath],
                Scope = ["email", "groups"],
                ClaimsToRoles =
                [
                    new ClaimMapping { Claim = "groups", Value = "admins", Roles = ["access"] },
                    new ClaimMapping { Claim = "groups", Value = "^dev-(.*)$", Roles = ["$1"] },
                ],
            },
        }, false, "test", default);
    }

    public async Task DisposeAsync()
    {
        await _issuer.DisposeAsync();
        await _auth.DisposeAsync();
    }

    [Fact]
    public async Task ConsoleLogin_GivesTheMappedRolesAndClaimsAsTraits_ToAnSsoUserExpiringWithItsCertificate()
    {
        var (result, _) = await LoginAsync();

        var login = result.Login!;
        var identity = _auth.Verify(login);
        Assert.Equal("alice@example.com", identity.Username);
        Assert.Equal(["access", "ops"], identity.Roles);
        Assert.Equal(["admins", "dev-ops"], identity.Traits["groups"]);
        Assert.Equal(["arn:aws:iam::123456789012:role/FromIdp"], identity.Traits["aws_role_arns"]);
        Assert.Equal("S256", _issuer.LastCodeChallengeMethod);

        var user = await _auth.Server.Users.GetAsync("alice@example.com", default);
        Assert.True(user.IsSso);
        Assert.Equal(new UserConnectorRef { Type = "oidc", Id = "myoidc", Identity = "user-0001" }, user.Spec.CreatedBy!.Connector);
        Assert.Equal(login.Expires, user.Metadata.Expires);

        var audit = (await _auth.EventsAsync(EventTypes.UserLogin)).Single(e => e.Success);
        Assert.Equal("oidc", audit.GetField("method"));
        Assert.Equal("myoidc", audit.GetField("connector"));
        Assert.Equal("user-0001", audit.GetField("idp_subject"));
        Assert.Contains("ops", audit.FieldText("roles"));
    }

    [Fact]
    public async Task SsoUser_CannotLogInWithAPassword_NorBeReset()
    {
        await LoginAsync();

        await Assert.ThrowsAsync<FerryException>(() => _auth.LoginAsync("alice@example.com", ""));
        var reset = await Assert.ThrowsAsync<FerryException>(async () => await _auth.Server.Users.ResetAsync("alice@example.com", "admin", default));
        Assert.Contains("single sign-on", reset.Message);
    }

    [Fact]
    public async Task ReplayedState_IsRefused()
    {
        var (seal, start) = await BeginAsync();
        var (code, state, _) = _issuer.SignIn(start.RedirectUrl);
        var parameters = new Dictionary<string, string> { ["code"] = code, ["state"] = state };
        await CompleteAsync(parameters);

        var replay = await Assert.ThrowsAsync<FerryException>(() => CompleteAsync(parameters));

        Assert.Equal(ErrorKind.AccessDenied, replay.Kind);
        Assert.Contains("matches no login in progress", replay.Message);
        Assert.Equal(1, _issuer.TokenRequests);
        var refusal = (await _auth.EventsAsync(EventTypes.UserLogin)).Single(e => !e.Success);
        Assert.Equal("myoidc", refusal.GetField("connector")); // the callback URL names no connector; the used request does
        Assert.Contains("a replay", refusal.Error);
    }

    [Fact]
    public async Task SignInStarts_AreThrottledPerAddress_AndFreedAsTheWindowMoves()
    {
        var allowed = new AuthServerOptions { ClusterName = "x" }.SsoStartThrottleMaxStarts;
        for (var i = 0; i < allowed; i++)
        {
            await BeginAsync("203.0.113.9");
        }

        var refused = await Assert.ThrowsAsync<FerryException>(() => BeginAsync("203.0.113.9"));
        Assert.Equal(ErrorKind.LimitExceeded, refused.Kind);
        Assert.Contains("too many sign-ins started from your address", refused.Message);
        await BeginAsync("198.51.100.7"); // another address is not held up
        _auth.Time.Advance(new AuthServerOptions { ClusterName = "x" }.LoginThrottleWindow + TimeSpan.FromSeconds(1));
        await BeginAsync("203.0.113.9");
    }

    public static TheoryData<string, string> Attacks() => new()
    {
        { "tampered", "signature the issuer's keys do not verify" },
        { "foreign-key", "signature the issuer's keys do not verify" },
        { "audience", "is for another client" },
        { "issuer", "was issued by another issuer" },
        { "nonce", "nonce is not this login's" },
        { "expired", "has expired" },
        { "userinfo-sub", "userinfo answer is about another user" },
        { "no-mapping", "no mapping of oidc connector \"myoidc\" matched" },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task BadAnswer_IsRefusedWithItsReason_SealedForTsh_AndMakesNoUser(string attack, string reason)
    {
        switch (attack)
        {
            case "tampered":
                _issuer.AlterToken = token =>
                {
                    var parts = token.Split('.');
                    var payload = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]))!;
                    var forged = payload.ToDictionary(kv => kv.Key, kv => (object)kv.Value);
                    forged["groups"] = new[] { "admins", "dev-root" };
                    return parts[0] + "." + System.Buffers.Text.Base64Url.EncodeToString(JsonSerializer.SerializeToUtf8Bytes(forged)) + "." + parts[2];
                };
                break;
            case "foreign-key": _issuer.SignWithForeignKey = true; break;
            case "audience": _issuer.AlterClaims = c => c["aud"] = "another-client"; break;
            case "issuer": _issuer.AlterClaims = c => c["iss"] = "https://evil.example"; break;
            case "nonce": _issuer.AlterClaims = c => c["nonce"] = "0123456789abcdef"; break;
            case "expired": _issuer.AlterClaims = c => c["exp"] = DateTimeOffset.UtcNow.AddMinutes(-10).ToUnixTimeSeconds(); break;
            case "userinfo-sub": _issuer.UserInfoSubject = "user-0002"; break;
            case "no-mapping": _issuer.UserClaims["groups"] = new[] { "interns" }; break;
        }

        var (result, _) = await LoginAsync();

        Assert.Null(result.Login);
        Assert.Contains(reason, result.Error);
        Assert.Null(await _auth.Server.Users.FindAsync("alice@example.com", default));
        var audit = (await _auth.EventsAsync(EventTypes.UserLogin)).Single();
        Assert.False(audit.Success);
        Assert.Contains(reason, audit.Error);
        Assert.Equal("oidc", audit.GetField("method"));
        if (attack == "no-mapping")
        {
            Assert.Contains("seen: groups=[interns]", result.Error);
        }
    }

    [Theory]
    [InlineData("https://127.0.0.1:4567/callback")]
    [InlineData("http://evil.example:4567/callback")]
    [InlineData("http://127.0.0.1.evil.example:4567/callback")]
    [InlineData("http://127.0.0.1@evil.example:4567/callback")]
    [InlineData("http://127.0.0.1:4567/other")]
    [InlineData("http://127.0.0.1:4567/callback?next=https://evil.example")]
    [InlineData("http://127.0.0.1/callback")]
    [InlineData("http://[::ffff:7f00:1]:4567/callback")]
    public async Task ClientRedirect_ThatIsNotTshsLoopbackListener_IsRefused_BeforeAnythingIsStored(string redirect)
    {
        var error = await Assert.ThrowsAsync<FerryException>(async () => await _auth.Server.Sso.BeginConsoleAsync(
            new SsoConsoleLoginRequest { Connector = "myoidc", PublicKey = AuthFixture.NewKey().PublicKeyPem, ClientRedirectUrl = redirect, SealKey = SsoSeal.NewKey() }, "198.51.100.7", default));

        Assert.Equal(ErrorKind.BadParameter, error.Kind);
        Assert.Contains("client redirect URL refused", error.Message);
        var (start, end) = Ferry.Storage.KeyRange.Prefix(Ferry.Auth.Sso.SsoRequestStore.Prefix);
        Assert.Empty(await _auth.Server.Backend.GetRangeAsync(start, end, 0, default));
    }

    [Fact]
    public async Task WebLogin_NeedsTheBrowserThatStartedIt()
    {
        var binding = Secrets.New();
        var start = await _auth.Server.Sso.BeginWebAsync(new SsoWebLoginRequest
        {
            Kind = "oidc", Connector = "myoidc", PublicKey = AuthFixture.NewKey().PublicKeyPem, BrowserBindingHash = Secrets.Hash(binding), ReturnTo = "/web/audit",
        }, "198.51.100.7", default);
        var (code, state, _) = _issuer.SignIn(start.RedirectUrl);
        var parameters = new Dictionary<string, string> { ["code"] = code, ["state"] = state };

        var other = await Assert.ThrowsAsync<FerryException>(() => CompleteAsync(parameters, browserBinding: Secrets.New()));
        Assert.Contains("started in another browser", other.Message);
        Assert.Equal(0, _issuer.TokenRequests);

        // The refused attempt used the state up, so the right browser starts again.
        start = await _auth.Server.Sso.BeginWebAsync(new SsoWebLoginRequest
        {
            Kind = "oidc", Connector = "myoidc", PublicKey = AuthFixture.NewKey().PublicKeyPem, BrowserBindingHash = Secrets.Hash(binding), ReturnTo = "/web/audit",
        }, "198.51.100.7", default);
        (code, state, _) = _issuer.SignIn(start.RedirectUrl);
        var done = await CompleteAsync(new Dictionary<string, string> { ["code"] = code, ["state"] = state }, browserBinding: binding);
        Assert.Equal("alice@example.com", done.WebSession!.Session.User);
        Assert.Equal("/web/audit", done.ReturnTo);
    }

    [Fact]
    public async Task LocalUserOfTheSameName_IsNotTakenOver()
    {
        await _auth.AddUserAsync("alice@example.com", ["access"]);

        var (result, _) = await LoginAsync();

        Assert.Contains("a local user named \"alice@example.com\" exists", result.Error);
        Assert.False((await _auth.Server.Users.GetAsync("alice@example.com", default)).IsSso);
        await _auth.LoginAsync("alice@example.com"); // its password still works
    }

    [Fact]
    public async Task LockedUser_GetsNoCertificate()
    {
        await _auth.Server.Locks.UpsertAsync(new AccessLock
        {
            Metadata = new ResourceMetadata { Name = "stop-alice" },
            Spec = new LockSpec { Target = new LockTarget { User = "alice@example.com" }, Message = "laptop stolen" },
        }, false, "test", default);
        await Eventually.TrueAsync(() => _auth.Server.LockIndex.Refusal(new Core.Identity.FerryIdentity
        {
            Kind = Core.Identity.IdentityKind.User, Username = "alice@example.com", Roles = [], Traits = new Dictionary<string, IReadOnlyList<string>>(),
            Expires = _auth.Time.GetUtcNow().AddHours(1), ClusterName = "test.cluster",
        }) is not null, TimeSpan.FromSeconds(10), "the lock reaches the index");

        var (result, _) = await LoginAsync();

        Assert.Null(result.Login);
        Assert.Contains("laptop stolen", result.Error);
        Assert.Single(await _auth.EventsAsync(EventTypes.UserLogin), e => !e.Success);
    }

    [Fact]
    public async Task StoringAConnector_WhoseIssuerCannotBeRead_IsRefused_AndNothingIsStored()
    {
        var port = System.Net.Sockets.TcpListener.Create(0);
        port.Start();
        var closed = ((System.Net.IPEndPoint)port.LocalEndpoint).Port;
        port.Stop();
        var connector = (OidcConnector)await _auth.Server.Connectors.GetAsync("oidc", "myoidc", default);
        var unreachable = connector with { Metadata = new ResourceMetadata { Name = "unreachable" }, Spec = connector.Spec with { IssuerUrl = $"http://127.0.0.1:{closed}" } };
        var renamed = connector with { Metadata = new ResourceMetadata { Name = "renamed" }, Spec = connector.Spec with { IssuerUrl = _issuer.Issuer + "/" + "other" } };

        var error = await Assert.ThrowsAsync<FerryException>(async () => await _auth.Server.Connectors.UpsertAsync(unreachable, false, "test", default));
        var mismatch = await Assert.ThrowsAsync<FerryException>(async () => await _auth.Server.Connectors.UpsertAsync(renamed, false, "test", default));

        Assert.Contains("spec.issuer_url", error.Message);
        Assert.Contains($"cannot read the OIDC discovery document of http://127.0.0.1:{closed}", error.Message);
        Assert.Contains("spec.issuer_url", mismatch.Message);
        Assert.Single(await _auth.Server.Connectors.ListAsync("oidc", default));
    }

    [Fact]
    public void SealedResult_OpensOnlyWithItsKey_AndNotWhenAltered()
    {
        var key = SsoSeal.NewKey();
        var sealedValue = SsoSeal.Seal(key, "{\"error\":\"x\"}");

        Assert.Equal("{\"error\":\"x\"}", SsoSeal.Open(key, sealedValue));
        Assert.Null(SsoSeal.Open(SsoSeal.NewKey(), sealedValue));
        var altered = sealedValue[..^2] + (sealedValue[^2] == 'A' ? "B" : "A") + sealedValue[^1];
        Assert.Null(SsoSeal.Open(key, altered));
        Assert.Null(SsoSeal.Open(key, "not-sealed"));
    }

    private async Task<(SsoConsoleResult Result, string SealKey)> LoginAsync()
    {
        var (seal, start) = await BeginAsync();
        var (code, state, redirect) = _issuer.SignIn(start.RedirectUrl);
        Assert.Equal(ConnectorSamples.Proxy + OidcConnector.CallbackPath, redirect);
        var done = await CompleteAsync(new Dictionary<string, string> { ["code"] = code, ["state"] = state });
        var target = new Uri(done.ClientRedirectUrl!);
        Assert.Equal("http://127.0.0.1:45678/callback", target.GetLeftPart(UriPartial.Path));
        var opened = SsoSeal.Open(seal, HttpUtility.ParseQueryString(target.Query)["response"]);
        return (JsonSerializer.Deserialize<SsoConsoleResult>(opened!, ApiJson.Options)!, seal);
    }

    private async Task<(string Seal, SsoLoginStartResponse Start)> BeginAsync(string remoteAddr = "198.51.100.7")
    {
        var seal = SsoSeal.NewKey();
        var start = await _auth.Server.Sso.BeginConsoleAsync(new SsoConsoleLoginRequest
        {
            Connector = "myoidc",
            PublicKey = AuthFixture.NewKey().PublicKeyPem,
            ClientRedirectUrl = "http://127.0.0.1:45678/callback",
            SealKey = seal,
        }, remoteAddr, default);
        return (seal, start);
    }

    private async Task<SsoCallbackResponse> CompleteAsync(Dictionary<string, string> parameters, string? browserBinding = null) =>
        await _auth.Server.Sso.CompleteAsync(new SsoCallbackRequest { Kind = "oidc", Parameters = parameters, BrowserBinding = browserBinding, RemoteAddr = "127.0.0.1" }, default);
}
