using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using static Ferry.Core.Tests.Resources.Connectors.ConnectorFiles;

namespace Ferry.Core.Tests.Resources.Connectors;

public sealed class SamlConnectorReaderTests
{
    private static readonly (string Cert, string Key) Pair = KeyPair("CN=ferry-sp");

    private static string File(string? descriptor = null, string? keyPair = null, string extra = "") => $"""
        kind: saml
        version: v2
        metadata:
          name: mysaml
        spec:
          acs: https://teleport.example.com/v1/webapi/saml/acs/mysaml
          audience: https://teleport.example.com/v1/webapi/saml/acs/mysaml
          display: Okta
          attributes_to_roles:
          - name: groups
            value: my-group
            roles: [access]
          - name: groups
            value: '^team-(.*)$'
            roles: ['$1-access']
        {extra}
          entity_descriptor: |
        {Block(descriptor ?? EntityDescriptor(), 4)}
        {keyPair ?? $"  signing_key_pair:\n    cert: |\n{Block(Pair.Cert, 6)}\n    private_key: |\n{Block(Pair.Key, 6)}"}
        """;

    [Fact]
    public void Parse_TeleportsShape_RoundTripsWithTheXmlAndPemsAsLiteralBlocks()
    {
        var saml = ParseOne<SamlConnector>(File());

        Assert.Equal("https://teleport.example.com/v1/webapi/saml/acs/mysaml", saml.Spec.Acs);
        Assert.Contains("IDPSSODescriptor", saml.Spec.EntityDescriptor);
        Assert.Equal(2, saml.Spec.AttributesToRoles.Count);
        Assert.False(saml.Spec.AllowIdpInitiated);
        Assert.StartsWith("-----BEGIN CERTIFICATE-----", saml.Spec.SigningKeyPair!.Cert);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", saml.Spec.SigningKeyPair.PrivateKey);

        var yaml = ResourceCodec.ToYaml(saml);
        Assert.Contains("  entity_descriptor: |", yaml);
        Assert.Contains("    cert: |", yaml);
        Assert.DoesNotContain("allow_idp_initiated", yaml);
        AssertRoundTrips(saml);
    }

    [Fact]
    public void Parse_MetadataUrlInsteadOfXml_IsEnough_AndIsNotFetched()
    {
        var yaml = File(extra: "  entity_descriptor_url: https://idp.invalid/app/metadata\n  allow_idp_initiated: true")
            .Replace("  entity_descriptor: |\n" + Block(EntityDescriptor(), 4) + "\n", "");
        var saml = ParseOne<SamlConnector>(yaml);

        Assert.Equal("https://idp.invalid/app/metadata", saml.Spec.EntityDescriptorUrl);
        Assert.Null(saml.Spec.EntityDescriptor);
        Assert.True(saml.Spec.AllowIdpInitiated);
        Assert.Contains("allow_idp_initiated: true", ResourceCodec.ToYaml(saml));
        AssertRoundTrips(saml);
    }

    [Fact]
    public void Parse_KeyPairWithoutPrivateKey_AsTctlGetPrintsIt_Reads()
    {
        var saml = ParseOne<SamlConnector>(File(keyPair: $"  signing_key_pair:\n    cert: |\n{Block(Pair.Cert, 6)}"));

        Assert.Null(saml.Spec.SigningKeyPair!.PrivateKey);
        Assert.Equal(["spec.signing_key_pair.private_key"], saml.MissingSecrets);
    }

    [Fact]
    public void Parse_NoKeyPair_Reads_ForAuthToMakeOne()
    {
        var saml = ParseOne<SamlConnector>(File(keyPair: ""));

        Assert.Null(saml.Spec.SigningKeyPair);
        Assert.Empty(saml.MissingSecrets);
    }

    [Theory]
    [InlineData("<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\"><md:IDPSSODescriptor>", "entity_descriptor is not well-formed XML")]
    [InlineData("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>\n<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\">&lol;</md:EntityDescriptor>",
        "entity_descriptor has a DTD (<!DOCTYPE ...>), which Ferry refuses")]
    [InlineData("<?xml version=\"1.0\"?>\n<!DOCTYPE x SYSTEM \"file:///etc/passwd\">\n<x/>", "entity_descriptor has a DTD")]
    [InlineData("<EntityDescriptor/>", "entity_descriptor must be an EntityDescriptor of namespace urn:oasis:names:tc:SAML:2.0:metadata")]
    public void Parse_BadXml_IsRefusedWithoutResolvingAnything(string xml, string expected)
    {
        var problems = Problems(File(descriptor: xml));

        Assert.Contains(expected, problems);
        Assert.Contains("at spec.entity_descriptor (line 17", problems);
        Assert.DoesNotContain("DtdProcessing", problems);
    }

    [Fact]
    public void Parse_ServiceProviderMetadata_SaysItIsNotAnIdentityProvider()
    {
        Assert.Contains("entity_descriptor has no IDPSSODescriptor: it does not describe an identity provider",
            Problems(File(descriptor: EntityDescriptor(role: "SPSSODescriptor"))));
    }

    [Theory]
    [InlineData("encryption", "AAAA", true, "entity_descriptor has no signing certificate")]
    [InlineData("signing", "bm90IGEgY2VydGlmaWNhdGU=", true, "signing certificate 1 of entity_descriptor is not a valid X.509 certificate")]
    [InlineData("signing", "***", true, "signing certificate 1 of entity_descriptor is not a valid X.509 certificate: it is not base64")]
    [InlineData("signing", null, false, "entity_descriptor has no SingleSignOnService with a Location")]
    public void Parse_MetadataWithoutAUsableSigningCertificateOrSso_IsRefused(string use, string? certificate, bool sso, string expected)
    {
        Assert.Contains(expected, Problems(File(descriptor: EntityDescriptor(certificate, use: use, sso: sso))));
    }

    [Fact]
    public void Parse_KeyDescriptorWithoutUse_CountsAsSigning()
    {
        ParseOne<SamlConnector>(File(descriptor: EntityDescriptor().Replace(" use=\"signing\"", "")));
    }

    [Theory]
    [InlineData("https://teleport.example.com/v1/webapi/saml/acs/other", "does not end in /v1/webapi/saml/acs/mysaml at spec.acs (line 6")]
    [InlineData("https://teleport.example.com/v1/webapi/saml/acs", "does not end in /v1/webapi/saml/acs/mysaml")]
    [InlineData("http://teleport.example.com/v1/webapi/saml/acs/mysaml", "must use https at spec.acs")]
    public void Parse_BadAcs_SaysWhatItMustBe(string acs, string expected)
    {
        Assert.Contains(expected, Problems(File().Replace("  acs: https://teleport.example.com/v1/webapi/saml/acs/mysaml", "  acs: " + acs)));
    }

    [Fact]
    public void Parse_NeitherDescriptorNorUrl_AsksForOne()
    {
        var yaml = File().Replace("  entity_descriptor: |\n" + Block(EntityDescriptor(), 4) + "\n", "");

        Assert.Contains("set entity_descriptor (the identity provider's metadata XML) or entity_descriptor_url", Problems(yaml));
    }

    [Fact]
    public void Parse_KeyPairThatDoesNotBelongTogether_IsRefused()
    {
        var other = KeyPair("CN=other");

        var problems = Problems(File(keyPair: $"  signing_key_pair:\n    cert: |\n{Block(Pair.Cert, 6)}\n    private_key: |\n{Block(other.KeyPem, 6)}"));

        Assert.Contains("the private key does not belong to signing_key_pair.cert at spec.signing_key_pair.private_key", problems);
    }

    [Theory]
    [InlineData("cert", "not a certificate", "not a PEM certificate at spec.signing_key_pair.cert")]
    [InlineData("private_key", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "not a PEM private key (RSA or ECDSA) at spec.signing_key_pair.private_key")]
    public void Parse_KeyPairThatIsNotPem_SaysWhich(string key, string value, string expected)
    {
        var cert = key == "cert" ? value : Pair.Cert;
        var privateKey = key == "private_key" ? value : Pair.Key;

        Assert.Contains(expected, Problems(File(keyPair: $"  signing_key_pair:\n    cert: |\n{Block(cert, 6)}\n    private_key: |\n{Block(privateKey, 6)}")));
    }

    [Theory]
    [InlineData("  display: Okta", "  display: Okta\n  allow_idp_initiated: maybe", "expected a boolean")]
    [InlineData("    value: my-group", "    value: '^(my-group$'", "invalid regular expression")]
    [InlineData("    roles: ['$1-access']", "    roles: ['$3-access']", "uses $3, but the value captures only 1 group")]
    [InlineData("  attributes_to_roles:", "  attribute_to_roles:", "did you mean \"attributes_to_roles\"?")]
    public void Parse_OneBadThing_GetsItsOwnError(string replace, string with, string expected)
    {
        var yaml = File().Replace(replace, with);
        Assert.NotEqual(File(), yaml);
        Assert.Contains(expected, Problems(yaml));
    }

    [Fact]
    public void WithoutSecrets_KeepsTheCertificateButNotTheKey_AndKeepingSecretsOf_PutsTheKeyBack()
    {
        var stored = ParseOne<SamlConnector>(File());

        var printed = Assert.IsType<SamlConnector>(stored.WithoutSecrets());
        var reapplied = Assert.IsType<SamlConnector>(ParseOne<SamlConnector>(ResourceCodec.ToYaml(printed)).KeepingSecretsOf(stored));
        var withoutPair = Assert.IsType<SamlConnector>((stored with { Spec = stored.Spec with { SigningKeyPair = null } }).KeepingSecretsOf(stored));

        Assert.Equal(stored.Spec.SigningKeyPair!.Cert, printed.Spec.SigningKeyPair!.Cert);
        Assert.DoesNotContain("PRIVATE KEY", ResourceCodec.ToYaml(printed));
        Assert.Equal(stored.Spec.SigningKeyPair, reapplied.Spec.SigningKeyPair);
        Assert.Equal(stored.Spec.SigningKeyPair, withoutPair.Spec.SigningKeyPair);
    }
}
