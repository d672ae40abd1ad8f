using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Resources;

namespace Ferry.Auth.Connectors;

/// <summary>
/// The key pair a SAML connector signs its authentication requests with, made when the connector has none (as
/// Teleport does): RSA 2048 with a self-signed certificate, which identity providers read from Ferry's metadata.
/// </summary>
internal static class SamlSigningKeys
{
    private static readonly TimeSpan Validity = TimeSpan.FromDays(3650);

    public static SamlKeyPair Generate(string clusterName, TimeProvider time)
    {
        using var key = RSA.Create(2048);
        var subject = new X500DistinguishedName($"CN={clusterName}, O={clusterName}");
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        var now = time.GetUtcNow();
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now + Validity);
        return new SamlKeyPair { Cert = certificate.ExportCertificatePem() + "\n", PrivateKey = key.ExportPkcs8PrivateKeyPem() + "\n" };
    }
}
