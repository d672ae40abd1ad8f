using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.LocalProxy.Certificates;
using Ferry.LocalProxy.Tests.Infrastructure;

namespace Ferry.LocalProxy.Tests;

/// <summary>The local CA of docs/aws-access.md §1.2 and the leaves it issues.</summary>
public sealed class LocalCertificateAuthorityTests
{
    [Fact]
    public void Ca_HasTheReferenceSubjectNamesAndLifetime()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var expiry = DateTimeOffset.UtcNow.AddHours(3);
        using var ca = new LocalCertificateAuthority(key, expiry);

        Assert.Equal("CN=localhost, O=Ferry", ca.Certificate.Subject);
        Assert.Equal(ca.Certificate.Subject, ca.Certificate.Issuer);
        Assert.Equal(expiry.UtcDateTime, ca.Certificate.NotAfter.ToUniversalTime(), TimeSpan.FromSeconds(1));
        var constraints = ca.Certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.True(constraints.CertificateAuthority);
        var san = ca.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Equal(["localhost"], san.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback], san.EnumerateIPAddresses());

        // Signed with the app certificate's key: the CA's public key is that key.
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), ca.Certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void FromAppCertificate_UsesItsKeyAndExpiry()
    {
        var app = TestPki.Instance.AppCertificate;
        using var ca = LocalCertificateAuthority.FromAppCertificate(app);

        Assert.Equal(app.NotAfter, ca.Certificate.NotAfter);
        Assert.Equal(app.PublicKey.ExportSubjectPublicKeyInfo(), ca.Certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Constructor_ExpiredAppCertificate_Throws()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        Assert.Throws<ArgumentOutOfRangeException>(() => new LocalCertificateAuthority(key, DateTimeOffset.UtcNow.AddSeconds(-1)));
    }

    [Fact]
    public void WritePem_CreatesOwnerOnlyFileInOwnerOnlyDirectory()
    {
        var root = Directory.CreateTempSubdirectory("ferry-localca-").FullName;
        try
        {
            using var ca = LocalCertificateAuthority.FromAppCertificate(TestPki.Instance.AppCertificate);
            var path = Path.Combine(root, "keys", "proxy.example.com", "alice-app", "cluster", "aws-localca.pem");

            ca.WritePem(path);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, FileModes.Of(path));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, FileModes.Of(Path.GetDirectoryName(path)!));
            Assert.Equal(ca.Certificate.RawData, X509Certificate2.CreateFromPem(File.ReadAllText(path)).RawData);
            Assert.DoesNotContain("PRIVATE KEY", File.ReadAllText(path));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("dynamodb.us-east-1.amazonaws.com")]
    [InlineData("my-bucket.s3.eu-west-1.amazonaws.com")]
    [InlineData("sts.cn-north-1.amazonaws.com.cn")]
    public void Leaf_ForSni_NamesTheHostAndChainsToTheCa(string host)
    {
        using var ca = LocalCertificateAuthority.FromAppCertificate(TestPki.Instance.AppCertificate);

        var leaf = ca.GetLeafCertificate(host);

        Assert.True(leaf.HasPrivateKey);
        Assert.Equal(host, leaf.GetNameInfo(X509NameType.SimpleName, false));
        Assert.Equal([host], leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
        Assert.Equal(ca.Certificate.NotAfter, leaf.NotAfter);
        Assert.True(leaf.MatchesHostname(host));
        AssertChains(ca, leaf);
        Assert.Same(leaf, ca.GetLeafCertificate(host.ToUpperInvariant()));
    }

    [Fact]
    public void Leaf_ForIpLiteral_HasAnIpSan()
    {
        using var ca = LocalCertificateAuthority.FromAppCertificate(TestPki.Instance.AppCertificate);

        var leaf = ca.GetLeafCertificate("127.0.0.1");

        Assert.Equal([IPAddress.Loopback], leaf.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateIPAddresses());
        AssertChains(ca, leaf);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Leaf_WithoutSni_ServesLocalhostAnd127001(string? serverName)
    {
        using var ca = LocalCertificateAuthority.FromAppCertificate(TestPki.Instance.AppCertificate);

        var leaf = ca.GetLeafCertificate(serverName);

        Assert.True(leaf.MatchesHostname("localhost"));
        Assert.True(leaf.MatchesHostname("127.0.0.1"));
        AssertChains(ca, leaf);
    }

    private static void AssertChains(LocalCertificateAuthority ca, X509Certificate2 leaf)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid("1.3.6.1.5.5.7.3.1"));
        Assert.True(chain.Build(leaf), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }
}
