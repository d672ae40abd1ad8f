namespace Ferry.Core.Identity;

/// <summary>PEM certificates as the DER bytes verifiers and forwarders use; decoding base64 costs far less than parsing X.509.</summary>
public static class CertificatePem
{
    public static byte[] ToDer(string pem)
    {
        var fields = System.Security.Cryptography.PemEncoding.Find(pem);
        return Convert.FromBase64String(pem[fields.Base64Data]);
    }
}
