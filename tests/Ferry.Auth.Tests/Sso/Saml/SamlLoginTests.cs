using System.IO.Compression;
using System.Text.Json;
using System.Web;
using System.Xml;
using Ferry.Auth.Sso.Saml;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Sso;

namespace Ferry.Auth.Tests.Sso.Saml;

/// <summary>
/// SAML logins through SsoService and SamlFlow: the AuthnRequest's ID and RelayState tie the answer to the login, the
/// assertion gives roles and traits, and an assertion is accepted once even where no request is needed (IdP-initiated).
/// </summary>
public sealed class SamlLoginTests : IAsyncLifetime
{
    private AuthFixture _auth = null!;
    private TestSamlIdp _idp = null!;

    public async Task InitializeAsync()
    {
        _auth = await AuthFixture.StartAsync();
        _idp = new TestSamlIdp { Now = _auth.Time.GetUtcNow() };
        await StoreConnectorAsync(allowIdpInitiated: false);
    }

    public async Task DisposeAsync()
    {
        _idp.Dispose();
        await _auth.DisposeAsync();
    }

    [Fact]
    public async Task ConsoleLogin_AnswersTheAuthnRequest_AndGivesRolesAndAttributesAsTraits()
    {
        var (seal, requestId, relayState) = await BeginAsync();

        var done = await CompleteAsync("mysaml", _idp.SignedResponse(new ResponseShape { InResponseTo = requestId }), relayState);

        var result = Open(seal, done);
        var identity = _auth.Verify(result.Login!);
        Assert.Equal("alice@example.com", identity.Username);
        Assert.Equal(["access"], identity.Roles);
        Assert.Equal(["admins", "dev"], identity.Traits["groups"]);
        var user = await _auth.Server.Users.GetAsync("alice@example.com", default);
        Assert.Equal("saml", user.Spec.CreatedBy!.Connector!.Type);
    }

    [Fact]
    public async Task AnswerToAnotherRequest_OrUnsigned_IsRefused_AndTheReasonGoesToTsh()
    {
        var (seal, _, relayState) = await BeginAsync();

        var wrong = Open(seal, await CompleteAsync("mysaml", _idp.SignedResponse(new ResponseShape { InResponseTo = "_another-login" }), relayState));
        Assert.Contains("InResponseTo is not the request Ferry sent", wrong.Error);

        (seal, var requestId, relayState) = await BeginAsync();
        var unsigned = Open(seal, await CompleteAsync("mysaml", TestSamlIdp.Encode(_idp.Response(new ResponseShape { InResponseTo = requestId })), relayState));
        Assert.Contains("it is not signed", unsigned.Error);
        Assert.Null(await _auth.Server.Users.FindAsync("alice@example.com", default));
        Assert.Equal(2, (await _auth.EventsAsync(EventTypes.UserLogin)).Count(e => !e.Success && e.GetField("method") == "saml"));
    }

    [Fact]
    public async Task IdpInitiated_OnlyWhereAllowed_AndEachAssertionOnce()
    {
        var response = _idp.SignedResponse(new ResponseShape { InResponseTo = null });

        var refused = await Assert.ThrowsAsync<FerryException>(() => CompleteAsync("mysaml", response, null));
        Assert.Contains("matches no login in progress", refused.Message);

        await StoreConnectorAsync(allowIdpInitiated: true, replace: true);
        var first = await CompleteAsync("mysaml", response, null);
        Assert.Equal("alice@example.com", first.WebSession!.Session.User);
        var replay = await Assert.ThrowsAsync<FerryException>(() => CompleteAsync("mysaml", response, null));
        Assert.Contains("was already used", replay.Message);
    }

    private async Task StoreConnectorAsync(bool allowIdpInitiated, bool replace = false) =>
        await _auth.Server.Connectors.UpsertAsync(new SamlConnector
        {
            Metadata = new ResourceMetadata { Name = "mysaml" },
            Spec = new SamlConnectorSpec
            {
                Acs = TestSamlIdp.Acs,
                EntityDescriptor = _idp.Metadata(),
                AttributesToRoles = [new AttributeMapping { Name = "groups", Value = "admins", Roles = ["access"] }],
                AllowIdpInitiated = allowIdpInitiated,
            },
        }, replace, "test", default);

    private async Task<(string Seal, string RequestId, string RelayState)> BeginAsync()
    {
        var seal = SsoSeal.NewKey();
        var start = await _auth.Server.Sso.BeginConsoleAsync(new SsoConsoleLoginRequest
        {
            Connector = "mysaml", PublicKey = AuthFixture.NewKey().PublicKeyPem, ClientRedirectUrl = "http://127.0.0.1:45678/callback", SealKey = seal,
        }, "198.51.100.7", default);
        var query = HttpUtility.ParseQueryString(new Uri(start.RedirectUrl).Query);
        Assert.NotNull(query["Signature"]); // auth generated a signing key pair for the connector
        using var inflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(query["SAMLRequest"]!)), CompressionMode.Decompress);
        var request = new XmlDocument();
        request.Load(inflate);
        return (seal, request.DocumentElement!.GetAttribute("ID"), query["RelayState"]!);
    }

    private async Task<SsoCallbackResponse> CompleteAsync(string connector, string response, string? relayState)
    {
        var parameters = new Dictionary<string, string> { ["SAMLResponse"] = response };
        if (relayState is not null)
        {
            parameters["RelayState"] = relayState;
        }

        return await _auth.Server.Sso.CompleteAsync(new SsoCallbackRequest { Kind = "saml", Connector = connector, Parameters = parameters }, default);
    }

    private static SsoConsoleResult Open(string seal, SsoCallbackResponse done)
    {
        var target = new Uri(done.ClientRedirectUrl!);
        return JsonSerializer.Deserialize<SsoConsoleResult>(SsoSeal.Open(seal, HttpUtility.ParseQueryString(target.Query)["response"])!, ApiJson.Options)!;
    }
}
