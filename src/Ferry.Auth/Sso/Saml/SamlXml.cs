using System.Globalization;
using System.Xml;
using Ferry.Core.Errors;

namespace Ferry.Auth.Sso.Saml;

/// <summary>Namespaces, safe loading and the small readers every SAML class here shares.</summary>
internal static class SamlXml
{
    public const string Protocol = "urn:oasis:names:tc:SAML:2.0:protocol";
    public const string Assertion = "urn:oasis:names:tc:SAML:2.0:assertion";
    public const string Metadata = "urn:oasis:names:tc:SAML:2.0:metadata";
    public const string Dsig = "http://www.w3.org/2000/09/xmldsig#";
    public const string RedirectBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect";
    public const string PostBinding = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST";
    public const string Success = "urn:oasis:names:tc:SAML:2.0:status:Success";
    public const string Bearer = "urn:oasis:names:tc:SAML:2.0:cm:bearer";

    /// <summary>
    /// Parses with DTDs prohibited (entity expansion, external entities), nothing resolved, whitespace, comments and
    /// processing instructions kept (signatures are over the document's canonical form, which keeps processing
    /// instructions; dropping them would break honest signatures) and a size cap. Throws XmlException on anything else.
    /// </summary>
    public static XmlDocument Load(TextReader text, long maxCharacters)
    {
        using var reader = XmlReader.Create(text, Settings(maxCharacters));
        return Load(reader);
    }

    /// <summary>
    /// The same from raw bytes, so the reader honours the document's own encoding (a UTF-8 byte-order mark, UTF-16 from
    /// some identity providers) instead of Ferry guessing.
    /// </summary>
    public static XmlDocument Load(byte[] bytes, long maxCharacters)
    {
        using var reader = XmlReader.Create(new MemoryStream(bytes, writable: false), Settings(maxCharacters));
        return Load(reader);
    }

    private static XmlReaderSettings Settings(long maxCharacters) => new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        XmlResolver = null,
        MaxCharactersInDocument = maxCharacters,
        MaxCharactersFromEntities = 0,
    };

    private static XmlDocument Load(XmlReader reader)
    {
        var document = new XmlDocument { XmlResolver = null, PreserveWhitespace = true };
        document.Load(reader);
        return document;
    }

    public static IEnumerable<XmlElement> Children(XmlElement parent, string ns, string localName) =>
        parent.ChildNodes.OfType<XmlElement>().Where(e => e.LocalName == localName && e.NamespaceURI == ns);

    public static XmlElement? Child(XmlElement parent, string ns, string localName) => Children(parent, ns, localName).FirstOrDefault();

    /// <summary>
    /// The text of an element that holds exactly one text node (or none). An XML comment or element inside (the
    /// "comment truncation" family of attacks, where one reader sees "admin@corp.com" and another "admin") is refused.
    /// </summary>
    public static string? PlainText(XmlElement element)
    {
        var nodes = element.ChildNodes;
        if (nodes.Count == 0)
        {
            return "";
        }

        // With whitespace preserved, a value of only blanks is an XmlWhitespace node rather than XmlText.
        return nodes.Count == 1 && nodes[0] is XmlText or XmlCDataSection or XmlWhitespace or XmlSignificantWhitespace ? nodes[0]!.Value : null;
    }

    /// <summary>True when the element holds child elements and nothing else but blanks (a structured value).</summary>
    public static bool IsStructured(XmlElement element) =>
        element.ChildNodes.OfType<XmlElement>().Any()
        && element.ChildNodes.Cast<XmlNode>().All(n => n is XmlElement or XmlWhitespace or XmlSignificantWhitespace);

    public static DateTimeOffset? Time(XmlElement element, string attribute, string what)
    {
        var value = element.GetAttribute(attribute);
        if (value.Length == 0)
        {
            return null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw SamlResponseValidator.Refuse($"{what} {attribute} \"{Short(value)}\" is not a time");
    }

    public static string Short(string value) => value.Length <= 100 ? value : value[..100] + "…";

    public static FerryException BadMetadata(string connector, string problem) =>
        FerryException.BadParameter($"SAML metadata of connector \"{connector}\": {problem}");
}
