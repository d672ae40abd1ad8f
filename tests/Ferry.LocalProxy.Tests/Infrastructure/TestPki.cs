using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.LocalProxy.Tests.Infrastructure;

/// <summary>
/// Certificates minted in code: a cluster CA that issues the stand-in Ferry proxy's server certificate
/// (localhost / 127.0.0.1) and the user's app certificate (ECDSA P-256, CN=alice, one hour).
/// </summary>
internal sealed class TestPki
{
    private static readonly Lazy<TestPki> Lazy = new(() => new TestPki());

    private TestPki()
    {
        CaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Test Cluster CA, O=Ferry Tests", CaKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        Ca = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        ServerCertificate = Issue("CN=localhost", server: true, now.AddDays(1));
        AppCertificate = Issue("CN=alice, O=access", server: false, now.AddHours(1));
    }

    public static TestPki Instance => Lazy.Value;

    public ECDsa CaKey { get; }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 ServerCertificate { get; }

    /// <summary>The user's app certificate, with its private key.</summary>
    public X509Certificate2 AppCertificate { get; }

    /// <summary>Accepts only server certificates that chain to <see cref="Ca"/> and name the host.</summary>
    public bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(Ca);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return custom.Build(new X509Certificate2(certificate));
    }

    private X509Certificate2 Issue(string subject, bool server, DateTimeOffset notAfter)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid(server ? "1.3.6.1.5.5.7.3.1" : "1.3.6.1.5.5.7.3.2")], false));
        if (server)
        {
            var names = new SubjectAlternativeNameBuilder();
            names.AddDnsName("localhost");
            names.AddIpAddress(IPAddress.Loopback);
            request.CertificateExtensions.Add(names.Build());
        }

        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        using var issued = request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(CaKey), DateTimeOffset.UtcNow.AddMinutes(-5), notAfter, serial);
        return issued.CopyWithPrivateKey(key);
    }
}
