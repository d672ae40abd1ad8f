using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.IO;

namespace Ferry.LocalProxy.Certificates;

/// <summary>
/// The local CA that lets AWS clients trust the TLS the local proxy terminates (docs/aws-access.md §1.2):
/// self-signed, CN=localhost, O=Ferry, SAN DNS localhost and IP 127.0.0.1, signed with the private key of
/// the user's app certificate and valid until that certificate expires. Its PEM goes into
/// <c>AWS_CA_BUNDLE</c>; for each TLS ClientHello it issues a leaf for the SNI host, cached per host.
/// Leaves are ECDSA P-256 rather than the reference's RSA 2048: every AWS client accepts them and minting
/// one takes microseconds instead of tens of milliseconds.
/// </summary>
public sealed class LocalCertificateAuthority : IDisposable
{
    /// <summary>Backdating tolerates small clock differences (and a clock that moved back since login).</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(1);

    private readonly ECDsa _key;
    private readonly bool _ownsKey;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, Lazy<X509Certificate2>> _leaves = new(StringComparer.OrdinalIgnoreCase);

    /// <param name="signingKey">The private key of the user's app certificate; the CA is self-signed with it.</param>
    /// <param name="notAfter">The app certificate's expiry; the CA and every leaf end then.</param>
    /// <param name="time">The clock for NotBefore; the system clock when null.</param>
    public LocalCertificateAuthority(ECDsa signingKey, DateTimeOffset notAfter, TimeProvider? time = null)
        : this(signingKey, ownsKey: false, notAfter, time)
    {
    }

    private LocalCertificateAuthority(ECDsa signingKey, bool ownsKey, DateTimeOffset notAfter, TimeProvider? time)
    {
        ArgumentNullException.ThrowIfNull(signingKey);
        _key = signingKey;
        _ownsKey = ownsKey;
        _time = time ?? TimeProvider.System;
        var now = _time.GetUtcNow();
        if (notAfter <= now)
        {
            throw new ArgumentOutOfRangeException(nameof(notAfter), notAfter, "The app certificate has expired; log in to the app again.");
        }

        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName("localhost");
        subject.AddOrganizationName("Ferry");
        var request = new CertificateRequest(subject.Build(), _key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(
            X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(LocalNames());

        // Export and reload: the certificate must not keep a reference to the caller's key object.
        using var selfSigned = request.CreateSelfSigned(now - ClockSkew, notAfter);
        Certificate = X509CertificateLoader.LoadCertificate(selfSigned.Export(X509ContentType.Cert));
    }

    /// <summary>Creates the local CA from the user's app certificate: its ECDSA private key and its expiry.</summary>
    public static LocalCertificateAuthority FromAppCertificate(X509Certificate2 appCertificate, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(appCertificate);
        var key = appCertificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException("The app certificate has no ECDSA private key.", nameof(appCertificate));
        return new LocalCertificateAuthority(key, ownsKey: true, new DateTimeOffset(appCertificate.NotAfter.ToUniversalTime(), TimeSpan.Zero), time);
    }

    /// <summary>The CA certificate (public part only).</summary>
    public X509Certificate2 Certificate { get; }

    public DateTimeOffset NotAfter => new(Certificate.NotAfter.ToUniversalTime(), TimeSpan.Zero);

    public string CertificatePem => Certificate.ExportCertificatePem();

    /// <summary>
    /// Writes the CA certificate as PEM, mode 0600 from the first byte (the directory is created 0700),
    /// at the path that goes into AWS_CA_BUNDLE, e.g. <c>&lt;tsh home&gt;/keys/&lt;proxy&gt;/&lt;user&gt;-app/&lt;cluster&gt;/&lt;app&gt;-localca.pem</c>.
    /// </summary>
    public void WritePem(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SecureFile.WriteAllText(path, CertificatePem);
    }

    /// <summary>
    /// The leaf (with its private key) for a TLS server name: CN and SAN = the host, or an IP SAN for an IP
    /// literal. An empty name (clients send no SNI for IP addresses) gets the localhost / 127.0.0.1 leaf.
    /// </summary>
    public X509Certificate2 GetLeafCertificate(string? serverName)
    {
        var host = string.IsNullOrEmpty(serverName) ? "localhost" : serverName.TrimEnd('.');
        return _leaves.GetOrAdd(host, static (h, ca) => new Lazy<X509Certificate2>(() => ca.IssueLeaf(h)), this).Value;
    }

    private X509Certificate2 IssueLeaf(string host)
    {
        using var leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(host);
        subject.AddOrganizationName("Ferry");
        var request = new CertificateRequest(subject.Build(), leafKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Certificate, true, false));
        if (host == "localhost")
        {
            request.CertificateExtensions.Add(LocalNames());
        }
        else
        {
            var names = new SubjectAlternativeNameBuilder();
            if (IPAddress.TryParse(host.Trim('[', ']'), out var ip))
            {
                names.AddIpAddress(ip);
            }
            else
            {
                names.AddDnsName(host);
            }

            request.CertificateExtensions.Add(names.Build());
        }

        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F; // a positive INTEGER (RFC 5280 §4.1.2.2)
        var now = _time.GetUtcNow();
        using var issued = request.Create(
            Certificate.SubjectName, X509SignatureGenerator.CreateForECDsa(_key), now - ClockSkew, NotAfter, serial);
        return issued.CopyWithPrivateKey(leafKey);
    }

    private static X509Extension LocalNames()
    {
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        return names.Build();
    }

    public void Dispose()
    {
        foreach (var leaf in _leaves.Values)
        {
            if (leaf.IsValueCreated)
            {
                leaf.Value.Dispose();
            }
        }

        _leaves.Clear();
        Certificate.Dispose();
        if (_ownsKey)
        {
            _key.Dispose();
        }
    }
}
