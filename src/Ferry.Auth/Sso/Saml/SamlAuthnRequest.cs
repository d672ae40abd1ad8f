using System.IO.Compression;
using System.Security;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Auth.Sso.Saml;

/// <summary>Ferry's AuthnRequest, sent by the HTTP-Redirect binding (SAML bindings §3.4), signed when a key is given.</summary>
public static class SamlAuthnRequest
{
    private const string RsaSha256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256";

    public static Uri BuildRedirect(SamlIdp idp, string requestId, string spEntityId, string acs, string relayState, DateTimeOffset now, RSA? signingKey)
    {
        var xml =
            $"<samlp:AuthnRequest xmlns:samlp=\"{SamlXml.Protocol}\" xmlns:saml=\"{SamlXml.Assertion}\" ID=\"{Escape(requestId)}\" Version=\"2.0\" " +
            $"IssueInstant=\"{now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}\" Destination=\"{Escape(idp.SsoRedirectUrl.AbsoluteUri)}\" " +
            $"AssertionConsumerServiceURL=\"{Escape(acs)}\" ProtocolBinding=\"{SamlXml.PostBinding}\">" +
            $"<saml:Issuer>{Escape(spEntityId)}</saml:Issuer>" +
            "<samlp:NameIDPolicy AllowCreate=\"true\" Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified\"/>" +
            "</samlp:AuthnRequest>";
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.Optimal, leaveOpen: true))
        {
            deflate.Write(Encoding.UTF8.GetBytes(xml));
        }

        // The signature covers the query exactly as sent: SAMLRequest, RelayState, SigAlg, each URL-encoded (§3.4.4.1).
        var query = "SAMLRequest=" + Uri.EscapeDataString(Convert.ToBase64String(buffer.ToArray())) + "&RelayState=" + Uri.EscapeDataString(relayState);
        if (signingKey is not null)
        {
            query += "&SigAlg=" + Uri.EscapeDataString(RsaSha256);
            var signature = signingKey.SignData(Encoding.UTF8.GetBytes(query), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            query += "&Signature=" + Uri.EscapeDataString(Convert.ToBase64String(signature));
        }

        var sso = idp.SsoRedirectUrl.AbsoluteUri;
        return new Uri(sso + (sso.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query);
    }

    private static string Escape(string value) => SecurityElement.Escape(value);
}
