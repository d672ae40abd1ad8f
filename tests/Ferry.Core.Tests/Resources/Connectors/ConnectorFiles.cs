using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Core.Tests.Resources.Connectors;

/// <summary>Connector files for the reader tests: parsing helpers, and SAML metadata and key pairs minted in code.</summary>
internal static class ConnectorFiles
{
    public const string MetadataNs = "urn:oasis:names:tc:SAML:2.0:metadata";

    /// <summary>The problems the codec reports for <paramref name="yaml"/> (one string, one problem a line).</summary>
    public static string Problems(string yaml) =>
        Assert.Throws<FerryException>(() => ResourceCodec.ParseYaml(yaml, "connector.yaml")).Message;

    public static T ParseOne<T>(string yaml) where T : IResource => Assert.IsType<T>(Assert.Single(ResourceCodec.ParseYaml(yaml, "connector.yaml")));

    /// <summary>YAML → object → YAML → object gives the same tree, and so does the JSON storage keeps.</summary>
    public static void AssertRoundTrips(IResource resource)
    {
        var again = Assert.Single(ResourceCodec.ParseYaml(ResourceCodec.ToYaml(resource)));
        Assert.Equal(ResourceJson.Serialize(resource), ResourceJson.Serialize(again));
        Assert.Equal(ResourceJson.Serialize(resource), ResourceJson.Serialize(ResourceJson.Deserialize(ResourceJson.Serialize(resource))));
    }

    /// <summary>Indents a multi-line value for a literal block (<c>key: |</c>) at <paramref name="spaces"/>.</summary>
    public static string Block(string text, int spaces) =>
        string.Join("\n", text.Replace("\r\n", "\n").Split('\n').Select(l => new string(' ', spaces) + l));

    /// <summary>A fresh self-signed RSA certificate and its key, PEM.</summary>
    public static (string CertPem, string KeyPem) KeyPair(string subject = "CN=test")
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        return (certificate.ExportCertificatePem(), key.ExportPkcs8PrivateKeyPem());
    }

    public static readonly Lazy<string> IdpCertificateBase64 = new(() =>
    {
        var (pem, _) = KeyPair("CN=idp.example.com");
        using var certificate = X509Certificate2.CreateFromPem(pem);
        return Convert.ToBase64String(certificate.RawData);
    });

    /// <summary>An identity provider's metadata as Okta or Entra ID publish it (trimmed): signing key and SSO service.</summary>
    public static string EntityDescriptor(string? certificate = null, string role = "IDPSSODescriptor", string use = "signing", bool sso = true) => $"""
        <?xml version="1.0" encoding="UTF-8"?>
        <md:EntityDescriptor xmlns:md="{MetadataNs}" entityID="https://idp.example.com/metadata">
          <md:{role} protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            <md:KeyDescriptor use="{use}">
              <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">
                <ds:X509Data>
                  <ds:X509Certificate>{certificate ?? IdpCertificateBase64.Value}</ds:X509Certificate>
                </ds:X509Data>
              </ds:KeyInfo>
            </md:KeyDescriptor>
            {(sso ? "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\"https://idp.example.com/sso\"/>" : "")}
          </md:{role}>
        </md:EntityDescriptor>
        """;
}
