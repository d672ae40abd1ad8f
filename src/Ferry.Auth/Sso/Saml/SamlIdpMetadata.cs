using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Xml;

namespace Ferry.Auth.Sso.Saml;

/// <summary>The identity provider as its metadata describes it: who it is, where users sign in, which keys sign.</summary>
public sealed record SamlIdp(string EntityId, Uri SsoRedirectUrl, IReadOnlyList<X509Certificate2> SigningCertificates);

/// <summary>Reads an identity provider's metadata (an EntityDescriptor, or an EntitiesDescriptor holding one IdP).</summary>
public static class SamlIdpMetadata
{
    private const long MaxCharacters = 1 << 20;

    public static SamlIdp Parse(string entityDescriptorXml, string connectorName)
    {
        XmlDocument document;
        try
        {
            document = SamlXml.Load(new StringReader(entityDescriptorXml), MaxCharacters);
        }
        catch (XmlException e)
        {
            throw SamlXml.BadMetadata(connectorName, entityDescriptorXml.Contains("<!DOCTYPE", StringComparison.Ordinal)
                ? "it has a DTD, which Ferry refuses" : "it is not well-formed XML: " + e.Message);
        }

        var root = document.DocumentElement!;
        var descriptors = root.LocalName == "EntitiesDescriptor" && root.NamespaceURI == SamlXml.Metadata
            ? SamlXml.Children(root, SamlXml.Metadata, "EntityDescriptor").Where(e => SamlXml.Child(e, SamlXml.Metadata, "IDPSSODescriptor") is not null).ToList()
            : root.LocalName == "EntityDescriptor" && root.NamespaceURI == SamlXml.Metadata ? [root] : [];
        if (descriptors.Count != 1)
        {
            throw SamlXml.BadMetadata(connectorName, "it must be one EntityDescriptor of an identity provider (urn:oasis:names:tc:SAML:2.0:metadata)");
        }

        var entity = descriptors[0];
        var entityId = entity.GetAttribute("entityID");
        var idp = SamlXml.Child(entity, SamlXml.Metadata, "IDPSSODescriptor")
            ?? throw SamlXml.BadMetadata(connectorName, "it has no IDPSSODescriptor: it does not describe an identity provider");
        if (entityId.Length == 0)
        {
            throw SamlXml.BadMetadata(connectorName, "its EntityDescriptor has no entityID");
        }

        var sso = SamlXml.Children(idp, SamlXml.Metadata, "SingleSignOnService")
            .FirstOrDefault(s => s.GetAttribute("Binding") == SamlXml.RedirectBinding)?.GetAttribute("Location");
        if (sso is null || !Uri.TryCreate(sso, UriKind.Absolute, out var ssoUrl) || ssoUrl.Scheme is not ("https" or "http"))
        {
            throw SamlXml.BadMetadata(connectorName, "it has no SingleSignOnService for the HTTP-Redirect binding with an absolute URL; Ferry sends users that way");
        }

        var certificates = new List<X509Certificate2>();
        foreach (var key in SamlXml.Children(idp, SamlXml.Metadata, "KeyDescriptor").Where(k => k.GetAttribute("use") is "" or "signing"))
        {
            foreach (var cert in key.GetElementsByTagName("X509Certificate", SamlXml.Dsig).OfType<XmlElement>())
            {
                try
                {
                    certificates.Add(X509CertificateLoader.LoadCertificate(Convert.FromBase64String(string.Concat(cert.InnerText.Where(c => !char.IsWhiteSpace(c))))));
                }
                catch (Exception e) when (e is FormatException or CryptographicException)
                {
                    throw SamlXml.BadMetadata(connectorName, "a signing certificate is not valid X.509: " + e.Message);
                }
            }
        }

        return certificates.Count == 0
            ? throw SamlXml.BadMetadata(connectorName, "it has no signing certificate (KeyDescriptor use=\"signing\")")
            : new SamlIdp(entityId, ssoUrl, certificates);
    }
}
