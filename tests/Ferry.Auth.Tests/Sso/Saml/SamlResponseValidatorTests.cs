using System.IO.Compression;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Text;
using System.Web;
using System.Xml;
using Ferry.Auth.Sso.Saml;
using Ferry.Core.Errors;

namespace Ferry.Auth.Tests.Sso.Saml;

/// <summary>
/// The SAML rules one at a time (docs/sso.md): a good response in each signing shape, then each attack and broken
/// answer refused with its reason. The real samlify IdP is driven end to end in tests/Ferry.Web.Tests/Sso.
/// </summary>
public sealed class SamlResponseValidatorTests : IDisposable
{
    private readonly TestSamlIdp _idp = new();

    public void Dispose() => _idp.Dispose();

    [Theory]
    [InlineData("assertion")]
    [InlineData("response")]
    [InlineData("both")]
    public void SignedResponse_GivesTheSubjectAndAttributes(string signed)
    {
        var document = _idp.Response();
        if (signed is "assertion" or "both")
        {
            _idp.Sign(TestSamlIdp.Assertion(document));
        }

        if (signed is "response" or "both")
        {
            _idp.Sign(document.DocumentElement!);
        }

        var assertion = SamlResponseValidator.Validate(TestSamlIdp.Encode(document), _idp.Expect());

        Assert.Equal("alice@example.com", assertion.NameId);
        Assert.Equal("_assertion0001", assertion.Id);
        Assert.Equal(TestSamlIdp.EntityId, assertion.Issuer);
        Assert.Equal(["admins", "dev"], assertion.Attributes["groups"]);
        Assert.Equal(["arn:aws:iam::123456789012:role/FromIdp"], assertion.Attributes["aws_role_arns"]);
        Assert.Equal(TestSamlIdp.RequestId, assertion.InResponseTo);
        Assert.Equal(_idp.Now.AddMinutes(5), assertion.NotOnOrAfter);
        Assert.Equal(_idp.Now.AddHours(8), assertion.SessionNotOnOrAfter);
    }

    [Fact]
    public void Unsigned_IsRefused() =>
        AssertRefused(TestSamlIdp.Encode(_idp.Response()), "it is not signed");

    [Fact]
    public void SignedByAnotherKey_WithItsOwnCertificateInKeyInfo_IsRefused()
    {
        using var other = RSA.Create(2048);
        using var otherCertificate = new CertificateRequest("CN=evil", other, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var document = _idp.Response();
        _idp.Sign(TestSamlIdp.Assertion(document), other, otherCertificate);

        AssertRefused(TestSamlIdp.Encode(document), "does not verify with the identity provider's certificates");
    }

    [Fact]
    public void AttributeChangedAfterSigning_IsRefused()
    {
        var document = _idp.Response();
        _idp.Sign(TestSamlIdp.Assertion(document));
        var value = document.GetElementsByTagName("AttributeValue", SamlXml.Assertion)[0]!;
        value.InnerText = "super-admins";

        AssertRefused(TestSamlIdp.Encode(document), "does not verify");
    }

    [Fact]
    public void Wrapping_EvilAssertionBesideTheSignedOne_IsRefused()
    {
        var document = _idp.Response();
        var genuine = TestSamlIdp.Assertion(document);
        _idp.Sign(genuine);
        var evil = (XmlElement)genuine.CloneNode(true);
        evil.SetAttribute("ID", "_evil");
        evil.RemoveChild(evil.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Signature"));
        evil.GetElementsByTagName("NameID", SamlXml.Assertion)[0]!.InnerText = "admin@example.com";
        document.DocumentElement!.InsertBefore(evil, genuine);

        AssertRefused(TestSamlIdp.Encode(document), "it holds 2 assertions");
    }

    [Fact]
    public void Wrapping_SignedAssertionMovedIntoExtensions_EvilOneInItsPlace_IsRefused()
    {
        var document = _idp.Response();
        var genuine = TestSamlIdp.Assertion(document);
        _idp.Sign(genuine);
        var evil = (XmlElement)genuine.CloneNode(true);
        evil.RemoveChild(evil.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Signature"));
        evil.GetElementsByTagName("NameID", SamlXml.Assertion)[0]!.InnerText = "admin@example.com";
        var response = document.DocumentElement!;
        var extensions = document.CreateElement("samlp", "Extensions", SamlXml.Protocol);
        response.ReplaceChild(evil, genuine);
        extensions.AppendChild(genuine);
        response.InsertAfter(extensions, response.FirstChild);

        AssertRefused(TestSamlIdp.Encode(document), "assertions");
    }

    [Fact]
    public void Wrapping_SignedResponseWhoseAssertionWasSwapped_IsRefused()
    {
        var document = _idp.Response();
        _idp.Sign(document.DocumentElement!);
        document.GetElementsByTagName("NameID", SamlXml.Assertion)[0]!.InnerText = "admin@example.com";

        AssertRefused(TestSamlIdp.Encode(document), "does not verify");
    }

    [Fact]
    public void Wrapping_EvilAssertionCarryingTheGenuineSignature_IsRefused()
    {
        var document = _idp.Response();
        var genuine = TestSamlIdp.Assertion(document);
        _idp.Sign(genuine);
        // The attacker keeps ID and signature but rewrites the content (digest no longer matches).
        genuine.GetElementsByTagName("NameID", SamlXml.Assertion)[0]!.InnerText = "admin@example.com";
        // ... and hides an untouched copy of the signed assertion inside the Signature's Object.
        var copy = _idp.Response();
        var original = TestSamlIdp.Assertion(copy);
        _idp.Sign(original);
        var signature = genuine.ChildNodes.OfType<XmlElement>().Single(e => e.LocalName == "Signature");
        var container = document.CreateElement("ds", "Object", SamlXml.Dsig);
        container.AppendChild(document.ImportNode(original, true));
        signature.AppendChild(container);

        AssertRefused(TestSamlIdp.Encode(document), "assertions");
    }

    [Fact]
    public void Wrapping_DuplicateIds_AreRefused()
    {
        var document = _idp.Response();
        var genuine = TestSamlIdp.Assertion(document);
        _idp.Sign(genuine);
        var decoy = document.CreateElement("samlp", "Extensions", SamlXml.Protocol);
        decoy.SetAttribute("ID", "_assertion0001");
        document.DocumentElement!.InsertAfter(decoy, document.DocumentElement.FirstChild);

        AssertRefused(TestSamlIdp.Encode(document), "appears more than once");
    }

    [Fact]
    public void SignatureReferencingAnotherElement_IsRefused()
    {
        var document = _idp.Response();
        var assertion = TestSamlIdp.Assertion(document);
        // A signature placed in the assertion that covers the response's ID instead.
        _idp.Sign(assertion, referenceUri: "#_response0001");

        AssertRefused(TestSamlIdp.Encode(document), "must reference exactly the <Assertion> it is in");
    }

    [Fact]
    public void Sha1Signature_IsRefused()
    {
        var document = _idp.Response();
        _idp.Sign(TestSamlIdp.Assertion(document), signatureMethod: SignedXml.XmlDsigRSASHA1Url, digestMethod: SignedXml.XmlDsigSHA1Url);

        AssertRefused(TestSamlIdp.Encode(document), "SHA-1 and weaker are refused");
    }

    [Fact]
    public void Dtd_IsRefused()
    {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE r [<!ENTITY x \"boom\">]>" + _idp.Response().OuterXml;

        AssertRefused(Convert.ToBase64String(Encoding.UTF8.GetBytes(xml)), "DTD");
    }

    [Fact]
    public void EncryptedAssertion_IsRefusedWithWhatToChange()
    {
        var document = _idp.Response();
        var encrypted = document.CreateElement("saml", "EncryptedAssertion", SamlXml.Assertion);
        document.DocumentElement!.AppendChild(encrypted);
        _idp.Sign(TestSamlIdp.Assertion(document));

        AssertRefused(TestSamlIdp.Encode(document), "turn assertion encryption off");
    }

    [Fact]
    public void CommentInsideTheNameId_IsRefused()
    {
        var document = _idp.Response(new ResponseShape { NameIdXml = "admin@example.com<!---->.evil.example" });
        _idp.Sign(TestSamlIdp.Assertion(document));

        AssertRefused(TestSamlIdp.Encode(document), "NameID holds markup or a comment");
    }

    [Fact]
    public void CommentInsideAnAttributeValue_IsRefused()
    {
        var shape = new ResponseShape { Attributes = new() { ["groups"] = ["admins<!---->-not"] } };
        var document = _idp.Response(shape);
        _idp.Sign(TestSamlIdp.Assertion(document));

        AssertRefused(TestSamlIdp.Encode(document), "attribute \"groups\" holds markup or a comment");
    }

    [Fact]
    public void BlankAndStructuredAttributeValues_AreSkipped_TextIsTrimmed()
    {
        var document = _idp.Response(new ResponseShape { Attributes = new() { ["groups"] = ["  ", " admins ", "<x:Group xmlns:x=\"urn:x\"><x:Name>dev</x:Name></x:Group>", "dev"] } });
        _idp.Sign(TestSamlIdp.Assertion(document));

        Assert.Equal(["admins", "dev"], SamlResponseValidator.Validate(TestSamlIdp.Encode(document), _idp.Expect()).Attributes["groups"]);
    }

    [Fact]
    public void MarkupMixedWithText_InAnAttributeValue_IsRefused()
    {
        var document = _idp.Response(new ResponseShape { Attributes = new() { ["groups"] = ["admins<b/>"] } });
        _idp.Sign(TestSamlIdp.Assertion(document));

        AssertRefused(TestSamlIdp.Encode(document), "attribute \"groups\" holds markup or a comment");
    }

    [Theory]
    [InlineData("utf-8-bom")]
    [InlineData("utf-16")]
    public void DocumentInItsOwnEncoding_IsRead(string encoding)
    {
        var document = _idp.Response();
        _idp.Sign(TestSamlIdp.Assertion(document));
        var bytes = encoding == "utf-16"
            ? Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes("<?xml version=\"1.0\" encoding=\"UTF-16\"?>" + document.OuterXml)).ToArray()
            : Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(document.OuterXml)).ToArray();

        Assert.Equal("alice@example.com", SamlResponseValidator.Validate(Convert.ToBase64String(bytes), _idp.Expect()).NameId);
    }

    [Fact]
    public void ProcessingInstructionInsideTheSignedAssertion_IsKeptForTheSignature()
    {
        var document = _idp.Response();
        var assertion = TestSamlIdp.Assertion(document);
        assertion.InsertBefore(document.CreateProcessingInstruction("idp-build", "42"), assertion.FirstChild);
        _idp.Sign(assertion);

        Assert.Equal("alice@example.com", SamlResponseValidator.Validate(TestSamlIdp.Encode(document), _idp.Expect()).NameId);
    }

    [Fact]
    public void UnknownCondition_IsRefused_OneTimeUseAccepted()
    {
        const string saml = "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\"";
        AssertRefused(WithCondition($"<saml:Condition {saml} xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" xsi:type=\"Custom\"/>"),
            "condition Ferry does not know (saml:Condition)");
        Assert.Equal("alice@example.com", SamlResponseValidator.Validate(WithCondition($"<saml:OneTimeUse {saml}/>"), _idp.Expect()).NameId);

        string WithCondition(string xml)
        {
            var document = _idp.Response();
            var fragment = document.CreateDocumentFragment();
            fragment.InnerXml = xml;
            document.GetElementsByTagName("Conditions", SamlXml.Assertion)[0]!.AppendChild(fragment);
            _idp.Sign(TestSamlIdp.Assertion(document));
            return TestSamlIdp.Encode(document);
        }
    }

    [Fact]
    public void HugePost_IsRefusedBeforeDecoding() =>
        AssertRefused(new string('A', 400 * 1024), "larger than 256 KiB");

    public static TheoryData<string, string> Mismatches() => new()
    {
        { "audience", "it is for another audience" },
        { "recipient", "its Recipient" },
        { "destination", "its Destination" },
        { "issuer", "its assertion is issued by" },
        { "in-response-to", "its InResponseTo is not the request Ferry sent" },
        { "no-in-response-to", "InResponseTo missing" },
        { "status", "the identity provider answered status urn:oasis:names:tc:SAML:2.0:status:Requester" },
    };

    [Theory]
    [MemberData(nameof(Mismatches))]
    public void ResponseForSomethingElse_IsRefused(string field, string reason)
    {
        var shape = field switch
        {
            "audience" => new ResponseShape { Audience = "https://other.example/sp" },
            "recipient" => new ResponseShape { Recipient = "https://evil.example/acs" },
            "destination" => new ResponseShape { Destination = "https://evil.example/acs" },
            "issuer" => new ResponseShape { Issuer = "https://evil.example/metadata" },
            "in-response-to" => new ResponseShape { InResponseTo = "_someone-elses-request" },
            "no-in-response-to" => new ResponseShape { InResponseTo = null },
            _ => new ResponseShape { Status = "urn:oasis:names:tc:SAML:2.0:status:Requester" },
        };

        AssertRefused(_idp.SignedResponse(shape), reason);
    }

    [Fact]
    public void Expired_BeyondTheSkew_IsRefused_WithinItAccepted()
    {
        var response = _idp.SignedResponse();

        AssertRefused(response, "it expired", _idp.Expect(now: _idp.Now.AddMinutes(5 + 2).AddSeconds(1)));
        Assert.Equal("alice@example.com", SamlResponseValidator.Validate(response, _idp.Expect(now: _idp.Now.AddMinutes(6))).NameId);
    }

    [Fact]
    public void NotYetValid_BeyondTheSkew_IsRefused_WithinItAccepted()
    {
        var response = _idp.SignedResponse(new ResponseShape { NotBefore = _idp.Now.AddMinutes(3) });

        AssertRefused(response, "it is not valid before");
        Assert.Equal("alice@example.com", SamlResponseValidator.Validate(response, _idp.Expect(now: _idp.Now.AddMinutes(1).AddSeconds(1))).NameId);
    }

    [Fact]
    public void IdpInitiated_OnlyWhenAllowed()
    {
        var response = _idp.SignedResponse(new ResponseShape { InResponseTo = null });

        AssertRefused(response, "allow_idp_initiated: false", _idp.Expect(requestId: null));
        Assert.Null(SamlResponseValidator.Validate(response, _idp.Expect(requestId: null, allowIdpInitiated: true)).InResponseTo);
        AssertRefused(_idp.SignedResponse(), "answers a request Ferry is not waiting for", _idp.Expect(requestId: null, allowIdpInitiated: true));
    }

    [Theory]
    [InlineData("not base64 !!", "not base64")]
    [InlineData("PGZvbz48L2Zvbz4=", "not a SAML 2.0 samlp:Response")]
    public void Garbage_IsRefused(string value, string reason) => AssertRefused(value, reason);

    [Fact]
    public async Task Ledger_AcceptsAnAssertionOnce()
    {
        await using var auth = await Infrastructure.AuthFixture.StartAsync();
        var ledger = new SamlAssertionLedger(auth.Server.Backend);

        await ledger.AcceptOnceAsync(TestSamlIdp.EntityId, "_assertion0001", auth.Time.GetUtcNow().AddMinutes(5), default);
        var replay = await Assert.ThrowsAsync<FerryException>(async () =>
            await ledger.AcceptOnceAsync(TestSamlIdp.EntityId, "_assertion0001", auth.Time.GetUtcNow().AddMinutes(5), default));
        await ledger.AcceptOnceAsync("https://another-idp.test", "_assertion0001", auth.Time.GetUtcNow().AddMinutes(5), default);

        Assert.Contains("already used", replay.Message);
    }

    [Fact]
    public void Metadata_GivesEntityIdRedirectUrlAndCertificate()
    {
        var idp = SamlIdpMetadata.Parse(_idp.Metadata(), "mysaml");

        Assert.Equal(TestSamlIdp.EntityId, idp.EntityId);
        Assert.Equal("https://idp.test/sso", idp.SsoRedirectUrl.AbsoluteUri);
        Assert.Equal(_idp.Certificate.Thumbprint, Assert.Single(idp.SigningCertificates).Thumbprint);
    }

    [Theory]
    [InlineData("post-only", "no SingleSignOnService for the HTTP-Redirect binding")]
    [InlineData("no-certificate", "no signing certificate")]
    [InlineData("dtd", "DTD")]
    public void BadMetadata_IsRefusedNamingTheConnector(string kind, string reason)
    {
        var xml = kind switch
        {
            "post-only" => _idp.Metadata(ssoBinding: SamlXml.PostBinding),
            "no-certificate" => _idp.Metadata(withCertificate: false),
            _ => "<!DOCTYPE x [<!ENTITY a \"b\">]>" + _idp.Metadata(),
        };

        var error = Assert.Throws<FerryException>(() => SamlIdpMetadata.Parse(xml, "mysaml"));

        Assert.Equal(ErrorKind.BadParameter, error.Kind);
        Assert.Contains("SAML metadata of connector \"mysaml\"", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void AuthnRequest_IsDeflatedForTheRedirectBinding_AndSignedOverTheExactQuery()
    {
        using var key = RSA.Create(2048);

        var redirect = SamlAuthnRequest.BuildRedirect(_idp.Idp, "_req42", "https://proxy.test/sp", TestSamlIdp.Acs, "relay-1", _idp.Now, key);

        Assert.Equal("https://idp.test/sso", redirect.GetLeftPart(UriPartial.Path));
        var query = HttpUtility.ParseQueryString(redirect.Query);
        Assert.Equal("relay-1", query["RelayState"]);
        using var inflate = new DeflateStream(new MemoryStream(Convert.FromBase64String(query["SAMLRequest"]!)), CompressionMode.Decompress);
        var request = new XmlDocument();
        request.Load(inflate);
        var root = request.DocumentElement!;
        Assert.Equal("AuthnRequest", root.LocalName);
        Assert.Equal("_req42", root.GetAttribute("ID"));
        Assert.Equal(TestSamlIdp.Acs, root.GetAttribute("AssertionConsumerServiceURL"));
        Assert.Equal("https://idp.test/sso", root.GetAttribute("Destination"));
        Assert.Equal("https://proxy.test/sp", root.GetElementsByTagName("Issuer", SamlXml.Assertion)[0]!.InnerText);
        var raw = redirect.Query.TrimStart('?');
        var signedPart = raw[..raw.IndexOf("&Signature=", StringComparison.Ordinal)];
        Assert.True(key.VerifyData(Encoding.UTF8.GetBytes(signedPart), Convert.FromBase64String(query["Signature"]!), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1));
    }

    private void AssertRefused(string response, string reason, SamlExpectations? expect = null)
    {
        var error = Assert.Throws<FerryException>(() => SamlResponseValidator.Validate(response, expect ?? _idp.Expect()));
        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
        Assert.StartsWith("SAML response refused: ", error.Message);
        Assert.Contains(reason, error.Message);
    }
}
