using System.Security.Cryptography.X509Certificates;
using System.Security.Cryptography.Xml;
using System.Xml;

namespace Ferry.Auth.Sso.Saml;

/// <summary>
/// Verifies the enveloped signature of one element, the element the caller will then read, and nothing else
/// (the defence against XML signature wrapping): the Signature must be a direct child of it, its single Reference must
/// be "#" + that element's ID, and resolving the ID must give back that very element object (IDs are unique in the
/// document, checked by the caller). Only exclusive canonicalisation without comments and the enveloped transform are
/// allowed, only SHA-256 or stronger, and only the certificates of the provider's metadata count — never one the
/// response carries itself.
/// </summary>
internal static class SamlSignature
{
    private static readonly HashSet<string> SignatureMethods = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigRSASHA256Url, SignedXml.XmlDsigRSASHA384Url, SignedXml.XmlDsigRSASHA512Url,
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha256", "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha384",
        "http://www.w3.org/2001/04/xmldsig-more#ecdsa-sha512",
    };

    private static readonly HashSet<string> DigestMethods = new(StringComparer.Ordinal)
    {
        SignedXml.XmlDsigSHA256Url, SignedXml.XmlDsigSHA384Url, SignedXml.XmlDsigSHA512Url,
    };

    /// <summary>The Signature that is a direct child of <paramref name="element"/>, if any (more than one is refused).</summary>
    public static XmlElement? Of(XmlElement element)
    {
        var signatures = SamlXml.Children(element, SamlXml.Dsig, "Signature").ToList();
        return signatures.Count switch
        {
            0 => null,
            1 => signatures[0],
            _ => throw SamlResponseValidator.Refuse($"<{element.LocalName}> carries more than one signature"),
        };
    }

    public static void Verify(XmlElement element, XmlElement signature, IReadOnlyList<X509Certificate2> trusted)
    {
        var id = element.GetAttribute("ID");
        if (id.Length == 0)
        {
            throw SamlResponseValidator.Refuse($"the signed <{element.LocalName}> has no ID");
        }

        var signed = new ElementSignedXml(element, id);
        try
        {
            signed.LoadXml(signature);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or FormatException or XmlException)
        {
            throw SamlResponseValidator.Refuse("its signature cannot be read");
        }

        var info = signed.SignedInfo!;
        if (info.CanonicalizationMethod != SignedXml.XmlDsigExcC14NTransformUrl)
        {
            throw SamlResponseValidator.Refuse($"its signature uses canonicalisation {SamlXml.Short(info.CanonicalizationMethod)}; only exclusive c14n is accepted");
        }

        if (!SignatureMethods.Contains(info.SignatureMethod ?? ""))
        {
            throw SamlResponseValidator.Refuse($"its signature algorithm {SamlXml.Short(info.SignatureMethod ?? "")} is not accepted (SHA-1 and weaker are refused)");
        }

        if (info.References.Count != 1 || info.References[0] is not Reference reference || reference.Uri != "#" + id)
        {
            throw SamlResponseValidator.Refuse($"its signature must reference exactly the <{element.LocalName}> it is in (#{SamlXml.Short(id)})");
        }

        if (!DigestMethods.Contains(reference.DigestMethod ?? ""))
        {
            throw SamlResponseValidator.Refuse($"its digest algorithm {SamlXml.Short(reference.DigestMethod ?? "")} is not accepted (SHA-1 is refused)");
        }

        for (var i = 0; i < reference.TransformChain.Count; i++)
        {
            var transform = reference.TransformChain[i];
            // Exact types: the with-comments variants derive from these and would let comments change what is signed.
            if (transform.GetType() != typeof(XmlDsigEnvelopedSignatureTransform) && transform.GetType() != typeof(XmlDsigExcC14NTransform))
            {
                throw SamlResponseValidator.Refuse($"its signature uses transform {SamlXml.Short(transform.Algorithm ?? "")}; only enveloped-signature and exclusive c14n are accepted");
            }
        }

        if (!trusted.Any(certificate => Check(signed, certificate)))
        {
            throw SamlResponseValidator.Refuse("its signature does not verify with the identity provider's certificates from the metadata (tampered, or signed by someone else)");
        }
    }

    private static bool Check(SignedXml signed, X509Certificate2 certificate)
    {
        try
        {
            return signed.CheckSignature(certificate, verifySignatureOnly: true);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    /// <summary>SignedXml that resolves the one expected ID to the one expected element, and every other ID to nothing.</summary>
    private sealed class ElementSignedXml : SignedXml
    {
        private readonly XmlElement _element;
        private readonly string _id;

        public ElementSignedXml(XmlElement element, string id)
            : base(element)
        {
            _element = element;
            _id = id;
        }

        public override XmlElement? GetIdElement(XmlDocument? document, string idValue) => idValue == _id ? _element : null;
    }
}
