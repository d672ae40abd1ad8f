using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Checks an identity provider's SAML metadata (an <c>md:EntityDescriptor</c>) well enough to know a login could use
/// it: well-formed XML without a DTD (DTDs are how XML entity expansion and external-entity attacks arrive), an
/// <c>IDPSSODescriptor</c>, a <c>SingleSignOnService</c> to send users to, and at least one signing certificate that
/// parses. Nothing is fetched: external references are never resolved.
/// </summary>
internal static class SamlMetadataCheck
{
    private const string MetadataNs = "urn:oasis:names:tc:SAML:2.0:metadata";
    private const string DsigNs = "http://www.w3.org/2000/09/xmldsig#";

    /// <summary>Metadata of real identity providers is tens of kilobytes; a megabyte bounds what one file can cost.</summary>
    private const long MaxCharacters = 1 << 20;

    private const string PasteHint = "paste the identity provider's metadata XML unchanged";

    public static IReadOnlyList<(string Message, string Hint)> Check(string xml)
    {
        XmlDocument document;
        try
        {
            document = Load(xml);
        }
        catch (XmlException ex)
        {
            return xml.Contains("<!DOCTYPE", StringComparison.Ordinal)
                ? [("entity_descriptor has a DTD (<!DOCTYPE ...>), which Ferry refuses: DTDs carry XML entity attacks", "remove the <!DOCTYPE ...> declaration; identity provider metadata does not need one")]
                : [($"entity_descriptor is not well-formed XML: {ex.Message}", PasteHint)];
        }

        var root = document.DocumentElement;
        if (root is null || root.LocalName != "EntityDescriptor" || root.NamespaceURI != MetadataNs)
        {
            return [($"entity_descriptor must be an EntityDescriptor of namespace {MetadataNs}, not <{root?.Name}>", PasteHint)];
        }

        if (Child(root, "IDPSSODescriptor") is not { } idp)
        {
            return [("entity_descriptor has no IDPSSODescriptor: it does not describe an identity provider",
                "paste the identity provider's metadata, not Ferry's (the service provider's)")];
        }

        var problems = new List<(string, string)>();
        if (!Children(idp, "SingleSignOnService").Any(s => s.GetAttribute("Location").Length > 0))
        {
            problems.Add(("entity_descriptor has no SingleSignOnService with a Location: users would have nowhere to sign in", PasteHint));
        }
        problems.AddRange(CheckSigningCertificates(idp));
        return problems;
    }

    private static IEnumerable<(string, string)> CheckSigningCertificates(XmlElement idp)
    {
        // A KeyDescriptor without use= serves for signing and encryption alike (SAML metadata §2.4.1.1).
        var certificates = Children(idp, "KeyDescriptor")
            .Where(k => k.GetAttribute("use") is "" or "signing")
            .SelectMany(k => k.GetElementsByTagName("X509Certificate", DsigNs).OfType<XmlElement>())
            .ToList();
        if (certificates.Count == 0)
        {
            yield return ("entity_descriptor has no signing certificate (IDPSSODescriptor/KeyDescriptor use=\"signing\" with an X509Certificate)",
                "Ferry checks every response against this certificate; use metadata that includes it");
            yield break;
        }
        for (var i = 0; i < certificates.Count; i++)
        {
            if (ParseError(certificates[i].InnerText) is { } error)
            {
                yield return ($"signing certificate {i + 1} of entity_descriptor is not a valid X.509 certificate: {error}", PasteHint);
            }
        }
    }

    private static string? ParseError(string base64)
    {
        try
        {
            var der = Convert.FromBase64String(string.Concat(base64.Where(c => !char.IsWhiteSpace(c))));
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            return null;
        }
        catch (FormatException)
        {
            return "it is not base64";
        }
        catch (CryptographicException ex)
        {
            return ex.Message;
        }
    }

    private static XmlDocument Load(string xml)
    {
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = MaxCharacters,
            MaxCharactersFromEntities = 0,
        };
        using var reader = XmlReader.Create(new StringReader(xml), settings);
        var document = new XmlDocument { XmlResolver = null };
        document.Load(reader);
        return document;
    }

    private static XmlElement? Child(XmlElement parent, string localName) => Children(parent, localName).FirstOrDefault();

    private static IEnumerable<XmlElement> Children(XmlElement parent, string localName) =>
        parent.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == localName && e.NamespaceURI == MetadataNs);
}
