using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.Tunnel.Tests.Infrastructure;

/// <summary>
/// A throwaway host CA and certificates minted in code (ECDSA P-256), standing in for the cluster's host CA:
/// the proxy's server certificate, agents' client certificates, and a rogue CA's proxy certificate.
/// </summary>
internal static class TestPki
{
    private static readonly Lazy<X509Certificate2> LazyCa = new(() => CreateCa("CN=Ferry Test Host CA"));
    private static readonly Lazy<X509Certificate2> LazyRogueCa = new(() => CreateCa("CN=Rogue CA"));
    private static readonly Lazy<X509Certificate2> LazyProxy = new(() => CreateServer(Ca));
    private static readonly Lazy<X509Certificate2> LazyRogueProxy = new(() => CreateServer(LazyRogueCa.Value));

    public static X509Certificate2 Ca => LazyCa.Value;

    public static X509Certificate2 ProxyCertificate => LazyProxy.Value;

    /// <summary>Valid for 127.0.0.1, but issued by a CA the agents do not trust.</summary>
    public static X509Certificate2 RogueProxyCertificate => LazyRogueProxy.Value;

    public static X509Certificate2 AgentCertificate(string agentId)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={agentId}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        return Issue(request, Ca, key);
    }

    /// <summary>What the agents' ServerCertificateValidation and the proxy's tunnel route both check.</summary>
    public static bool ChainsToCa(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(Ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(certificate);
    }

    private static X509Certificate2 CreateCa(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(2));
        return Reload(certificate);
    }

    private static X509Certificate2 CreateServer(X509Certificate2 issuer)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=proxy.ferry.test", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        return Issue(request, issuer, key);
    }

    private static X509Certificate2 Issue(CertificateRequest request, X509Certificate2 issuer, ECDsa key)
    {
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        using var issued = request.Create(issuer, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        using var withKey = issued.CopyWithPrivateKey(key);
        return Reload(withKey);
    }

    // Through PKCS#12, so the key is a persisted one that TLS on every platform accepts.
    private static X509Certificate2 Reload(X509Certificate2 certificate) =>
        X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
}
