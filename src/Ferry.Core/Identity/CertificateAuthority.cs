using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.Core.Identity;

/// <summary>
/// One cluster CA (user or host): an ECDSA P-256 key and a self-signed certificate. It signs certificates for
/// public keys that clients generated themselves, so a private key never travels.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>Backdating tolerates small clock differences between hosts.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly ECDsa _key;

    public CertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>"sha256:&lt;hex&gt;" of the CA's SubjectPublicKeyInfo, the value `tctl status` prints as CA pin.</summary>
    public string Pin => CaPin.Compute(Certificate);

    public static CertificateAuthority Create(string clusterName, CaType type, TimeProvider time)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(clusterName);
        subject.AddOrganizationName($"Ferry {type.ToString().ToLowerInvariant()} CA");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = time.GetUtcNow();
        var certificate = request.CreateSelfSigned(now - ClockSkew, now.AddYears(10));
        return new CertificateAuthority(X509CertificateLoader.LoadCertificate(certificate.Export(X509ContentType.Cert)), key);
    }

    public static CertificateAuthority FromPem(string certificatePem, string keyPem)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(keyPem);
        return new CertificateAuthority(X509Certificate2.CreateFromPem(certificatePem), key);
    }

    public string CertificatePem => Certificate.ExportCertificatePem();

    public string ExportKeyPem() => _key.ExportPkcs8PrivateKeyPem();

    /// <summary>
    /// Issues a certificate for <paramref name="subjectPublicKey"/> carrying <paramref name="identity"/>.
    /// With DNS names / IPs (auth's and proxies' listeners) it also gets serverAuth so the same certificate can serve TLS.
    /// </summary>
    public X509Certificate2 Issue(PublicKey subjectPublicKey, FerryIdentity identity, TimeProvider time, IEnumerable<string>? dnsNames = null)
    {
        identity = identity with { Issued = time.GetUtcNow() };
        var request = new CertificateRequest(IdentityCodec.BuildSubject(identity), subjectPublicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyEncipherment, true));
        var usages = new OidCollection { new Oid("1.3.6.1.5.5.7.3.2") }; // clientAuth
        var names = dnsNames?.ToList() ?? [];
        if (names.Count > 0)
        {
            // Only certificates that name a server may serve TLS: an agent's host certificate can never pass for a proxy.
            usages.Add(new Oid("1.3.6.1.5.5.7.3.1")); // serverAuth
        }

        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(usages, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (names.Count > 0)
        {
            var san = new SubjectAlternativeNameBuilder();
            foreach (var name in names.Distinct(StringComparer.OrdinalIgnoreCase))
            {
                if (IPAddress.TryParse(name, out var ip))
                {
                    san.AddIpAddress(ip);
                }
                else
                {
                    san.AddDnsName(name);
                }
            }

            request.CertificateExtensions.Add(san.Build());
        }

        request.CertificateExtensions.Add(IdentityCodec.BuildExtension(identity));
        var now = time.GetUtcNow();
        var notAfter = identity.Expires < Certificate.NotAfter ? identity.Expires : new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f; // keep the serial positive
        var signer = X509SignatureGenerator.CreateForECDsa(_key);
        return request.Create(Certificate.SubjectName, signer, now - ClockSkew, notAfter, serial);
    }

    public void Dispose()
    {
        _key.Dispose();
        Certificate.Dispose();
    }
}

public enum CaType
{
    User,
    Host,
}
