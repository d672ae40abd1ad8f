using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Identity;
using Ferry.Core.Resources;

namespace Ferry.Cluster.Tests.Infrastructure;

/// <summary>
/// A cluster's two CAs minted in code, and certificates from them (each with its private key). Shared by the
/// component test projects (linked into Ferry.Hosting.Tests and Ferry.AppService.Tests).
/// </summary>
internal sealed class TestPki : IDisposable
{
    public const string ClusterName = "test.cluster";

    public TestPki(TimeProvider time)
    {
        Time = time;
        UserCa = CertificateAuthority.Create(ClusterName, CaType.User, time);
        HostCa = CertificateAuthority.Create(ClusterName, CaType.Host, time);
    }

    /// <summary>The clock certificates are issued by (and, by default, verified against).</summary>
    public TimeProvider Time { get; }

    public CertificateAuthority UserCa { get; }

    public CertificateAuthority HostCa { get; }

    public IdentityVerifier Verifier(TimeProvider? time = null) => new(UserCa.Certificate, HostCa.Certificate, time ?? Time);

    public static FerryIdentity UserIdentity(string name, IReadOnlyList<string> roles, DateTimeOffset expires, DateTimeOffset? issued = null) => new()
    {
        Kind = IdentityKind.User,
        Username = name,
        Roles = roles,
        Expires = expires,
        Issued = issued,
        ClusterName = ClusterName,
    };

    public static FerryIdentity HostIdentity(string hostId, string systemRole, DateTimeOffset expires) => new()
    {
        Kind = IdentityKind.Host,
        Username = hostId,
        Roles = [systemRole],
        Expires = expires,
        ClusterName = ClusterName,
        NodeName = "node-" + hostId,
    };

    public X509Certificate2 User(string name, params string[] roles) => User(name, roles, TimeSpan.FromHours(12));

    public X509Certificate2 User(string name, IReadOnlyList<string> roles, TimeSpan ttl) =>
        Issue(UserCa, UserIdentity(name, roles, Time.GetUtcNow() + ttl));

    public X509Certificate2 Host(string hostId, string systemRole, TimeSpan? ttl = null, IEnumerable<string>? dnsNames = null) =>
        Issue(HostCa, HostIdentity(hostId, systemRole, Time.GetUtcNow() + (ttl ?? TimeSpan.FromDays(3))), dnsNames);

    /// <summary>What auth serves TLS with: role Auth, valid for 127.0.0.1, issued on the real clock (clients check TLS on it).</summary>
    public X509Certificate2 AuthServerCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var identity = HostIdentity("auth", SystemRoles.Auth, DateTimeOffset.UtcNow.AddDays(1));
        using var certificate = HostCa.Issue(new PublicKey(key), identity, TimeProvider.System, ["127.0.0.1", "localhost"]);
        // Kestrel on Linux wants a key it can export for the TLS context: round-trip through PKCS#12.
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    public X509Certificate2 Issue(CertificateAuthority ca, FerryIdentity identity, IEnumerable<string>? dnsNames = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256); // owned by the copy returned
        using var certificate = ca.Issue(new PublicKey(key), identity, Time, dnsNames);
        return certificate.CopyWithPrivateKey(key);
    }

    public void Dispose()
    {
        UserCa.Dispose();
        HostCa.Dispose();
    }
}
