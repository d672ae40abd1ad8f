using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// <c>signing_key_pair</c>: a PEM certificate and, unless left out (then auth keeps the stored one), the PEM private
/// key that belongs to it. A pair that does not belong together would sign requests the identity provider rejects.
/// </summary>
internal static class SamlKeyPairCheck
{
    public static void Check(YamlMap pair, string cert, string? privateKey)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(cert);
        }
        catch (CryptographicException)
        {
            pair.Report("cert", "not a PEM certificate", "paste the whole -----BEGIN CERTIFICATE----- block");
            return;
        }

        using (certificate)
        {
            if (privateKey is null)
            {
                return;
            }
            if (!IsPrivateKey(privateKey))
            {
                pair.Report("private_key", "not a PEM private key (RSA or ECDSA)", "paste the whole -----BEGIN PRIVATE KEY----- block");
                return;
            }
            try
            {
                using var withKey = X509Certificate2.CreateFromPem(cert, privateKey);
            }
            catch (Exception ex) when (ex is CryptographicException or ArgumentException)
            {
                pair.Report("private_key", "the private key does not belong to signing_key_pair.cert",
                    "give the key and certificate that were made together, or leave signing_key_pair out to have a new pair made");
            }
        }
    }

    private static bool IsPrivateKey(string pem)
    {
        // ImportFromPem takes a public key too; only a PRIVATE KEY block (PKCS#8, PKCS#1 or SEC 1) will do.
        if (!pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal))
        {
            return false;
        }
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
        }
        try
        {
            using var ec = ECDsa.Create();
            ec.ImportFromPem(pem);
            return true;
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            return false;
        }
    }
}
