using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tests.Infrastructure;

/// <summary>Valid github, oidc and saml connectors built in code (SAML metadata with a certificate minted here).</summary>
internal static class ConnectorSamples
{
    public const string Proxy = "https://proxy.test:3080";
    public const string GithubSecret = "github-client-secret";
    public const string OidcSecret = "oidc-client-secret";

    public static GithubConnector Github(string name = "github", string? secret = GithubSecret, params string[] roles) => new()
    {
        Metadata = new ResourceMetadata { Name = name },
        Spec = new GithubConnectorSpec
        {
            ClientId = "github-client-id",
            ClientSecret = secret,
            RedirectUrl = Proxy + GithubConnector.CallbackPath,
            TeamsToRoles = [new TeamRolesMapping { Organization = "octocats", Team = "admins", Roles = roles.Length == 0 ? ["access"] : roles }],
        },
    };

    public static OidcConnector Oidc(string name = "myoidc", string? secret = OidcSecret, params string[] roles) => new()
    {
        Metadata = new ResourceMetadata { Name = name },
        Spec = new OidcConnectorSpec
        {
            IssuerUrl = "https://idp.test",
            ClientId = "ferry",
            ClientSecret = secret,
            RedirectUrls = [Proxy + OidcConnector.CallbackPath],
            ClaimsToRoles = [new ClaimMapping { Claim = "groups", Value = "admins", Roles = roles.Length == 0 ? ["access"] : roles }],
        },
    };

    public static SamlConnector Saml(string name = "mysaml", SamlKeyPair? keyPair = null, params string[] roles) => new()
    {
        Metadata = new ResourceMetadata { Name = name },
        Spec = new SamlConnectorSpec
        {
            Acs = Proxy + SamlConnector.AcsPathPrefix + name,
            EntityDescriptor = EntityDescriptor.Value,
            AttributesToRoles = [new AttributeMapping { Name = "groups", Value = "admins", Roles = roles.Length == 0 ? ["access"] : roles }],
            SigningKeyPair = keyPair,
        },
    };

    public static SamlKeyPair KeyPair()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=sp.test", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return new SamlKeyPair { Cert = certificate.ExportCertificatePem(), PrivateKey = key.ExportPkcs8PrivateKeyPem() };
    }

    private static readonly Lazy<string> EntityDescriptor = new(() =>
    {
        var idp = KeyPair();
        using var certificate = X509Certificate2.CreateFromPem(idp.Cert);
        return $"""
            <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.test/metadata">
              <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
                <md:KeyDescriptor use="signing">
                  <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(certificate.RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo>
                </md:KeyDescriptor>
                <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.test/sso"/>
              </md:IDPSSODescriptor>
            </md:EntityDescriptor>
            """;
    });
}
