using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Xml;
using Ferry.Auth.Sso.Saml;

namespace Ferry.Auth.Tests.Sso.Saml;

/// <summary>
/// A SAML identity provider in code: a self-signed RSA certificate, its metadata, and responses built and signed the
/// way real providers (Okta, samlify) do it (enveloped, exclusive c14n, RSA-SHA256, Signature right after Issuer), with
/// every field adjustable so tests can build what an attacker would send.
/// </summary>
internal sealed class TestSamlIdp : IDisposable
{
    public const string EntityId = "https://idp.test/metadata";
    public const string Acs = "https://proxy.test:3080/v1/webapi/saml/acs/mysaml";
    public const string RequestId = "_request0001";

    public TestSamlIdp()
    {
        Key = RSA.Create(2048);
        var request = new CertificateRequest("CN=idp.test", Key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        Certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    public RSA Key { get; }
    public X509Certificate2 Certificate { get; }
    public DateTimeOffset Now { get; init; } = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    public string Metadata(string? ssoBinding = null, bool withCertificate = true) => $"""
        <md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="{EntityId}">
          <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
            {(withCertificate ? $"<md:KeyDescriptor use=\"signing\"><ds:KeyInfo xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"><ds:X509Data><ds:X509Certificate>{Convert.ToBase64String(Certificate.RawData)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>" : "")}
            <md:SingleSignOnService Binding="{ssoBinding ?? SamlXml.RedirectBinding}" Location="https://idp.test/sso"/>
          </md:IDPSSODescriptor>
        </md:EntityDescriptor>
        """;

    public SamlIdp Idp => SamlIdpMetadata.Parse(Metadata(), "mysaml");

    public SamlExpectations Expect(string? requestId = RequestId, bool allowIdpInitiated = false, DateTimeOffset? now = null) => new()
    {
        Idp = Idp,
        Acs = Acs,
        Audience = Acs,
        Now = now ?? Now,
        ExpectedRequestId = requestId,
        AllowIdpInitiated = allowIdpInitiated,
    };

    /// <summary>The response as XML before signing (tests edit it, then sign it with <see cref="Sign"/>).</summary>
    public XmlDocument Response(ResponseShape? shape = null)
    {
        var s = shape ?? new ResponseShape();
        var inResponseTo = s.InResponseTo is null ? "" : $" InResponseTo=\"{s.InResponseTo}\"";
        var destination = s.Destination is null ? "" : $" Destination=\"{s.Destination}\"";
        var notBefore = (s.NotBefore ?? Now.AddMinutes(-1)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var notOnOrAfter = (s.NotOnOrAfter ?? Now.AddMinutes(5)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ");
        var attributes = string.Concat(s.Attributes.Select(a =>
            $"<saml:Attribute Name=\"{a.Key}\">{string.Concat(a.Value.Select(v => $"<saml:AttributeValue>{v}</saml:AttributeValue>"))}</saml:Attribute>"));
        var xml = $"""
            <samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" ID="_response0001" Version="2.0" IssueInstant="{Now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"{destination}{inResponseTo}><saml:Issuer>{s.Issuer}</saml:Issuer><samlp:Status><samlp:StatusCode Value="{s.Status}"/></samlp:Status><saml:Assertion ID="{s.AssertionId}" Version="2.0" IssueInstant="{Now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"><saml:Issuer>{s.Issuer}</saml:Issuer><saml:Subject><saml:NameID Format="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress">{s.NameIdXml}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="{notOnOrAfter}" Recipient="{s.Recipient}"{inResponseTo}/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="{notBefore}" NotOnOrAfter="{notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>{s.Audience}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="{Now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}" SessionNotOnOrAfter="{Now.AddHours(8).UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"/><saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion></samlp:Response>
            """;
        var document = new XmlDocument { PreserveWhitespace = true };
        document.LoadXml(xml);
        return document;
    }

    public static XmlElement Assertion(XmlDocument document) =>
        (XmlElement)document.GetElementsByTagName("Assertion", SamlXml.Assertion)[0]!;

    /// <summary>Signs <paramref name="element"/> (by its ID) and puts the Signature right after its Issuer.</summary>
    public void Sign(XmlElement element, RSA? key = null, X509Certificate2? certificate = null,
        string signatureMethod = SignedXml.XmlDsigRSASHA256Url, string digestMethod = SignedXml.XmlDsigSHA256Url, string? referenceUri = null)
    {
        var signed = new SignedXml(element) { SigningKey = key ?? Key };
        signed.SignedInfo!.CanonicalizationMethod = SignedXml.XmlDsigExcC14NTransformUrl;
        signed.SignedInfo.SignatureMethod = signatureMethod;
        var reference = new Reference(referenceUri ?? "#" + element.GetAttribute("ID")) { DigestMethod = digestMethod };
        reference.AddTransform(new XmlDsigEnvelopedSignatureTransform());
        reference.AddTransform(new XmlDsigExcC14NTransform());
        signed.AddReference(reference);
        var info = new KeyInfo();
        info.AddClause(new KeyInfoX509Data(certificate ?? Certificate));
        signed.KeyInfo = info;
        signed.ComputeSignature();
        var signature = (XmlElement)element.OwnerDocument.ImportNode(signed.GetXml(), true);
        var issuer = element.ChildNodes.OfType<XmlElement>().First(e => e.LocalName == "Issuer");
        element.InsertAfter(signature, issuer);
    }

    public static string Encode(XmlDocument document) => Convert.ToBase64String(Encoding.UTF8.GetBytes(document.OuterXml));

    /// <summary>A good response with a signed assertion, encoded as the HTTP-POST binding sends it.</summary>
    public string SignedResponse(ResponseShape? shape = null)
    {
        var document = Response(shape);
        Sign(Assertion(document));
        return Encode(document);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        Key.Dispose();
    }
}

internal sealed record ResponseShape
{
    public string Issuer { get; init; } = TestSamlIdp.EntityId;
    public string AssertionId { get; init; } = "_assertion0001";
    public string? InResponseTo { get; init; } = TestSamlIdp.RequestId;
    public string? Destination { get; init; } = TestSamlIdp.Acs;
    public string Recipient { get; init; } = TestSamlIdp.Acs;
    public string Audience { get; init; } = TestSamlIdp.Acs;
    public string Status { get; init; } = SamlXml.Success;
    public string NameIdXml { get; init; } = "alice@example.com";
    public DateTimeOffset? NotBefore { get; init; }
    public DateTimeOffset? NotOnOrAfter { get; init; }
    public Dictionary<string, string[]> Attributes { get; init; } = new()
    {
        ["groups"] = ["admins", "dev"],
        ["aws_role_arns"] = ["arn:aws:iam::123456789012:role/FromIdp"],
    };
}
