using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Core.Tests.Identity;

public sealed class IdentityVerifierTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
    private readonly CertificateAuthority _userCa;
    private readonly CertificateAuthority _hostCa;
    private readonly IdentityVerifier _verifier;

    public IdentityVerifierTests()
    {
        _userCa = CertificateAuthority.Create("cluster", CaType.User, _time);
        _hostCa = CertificateAuthority.Create("cluster", CaType.Host, _time);
        _verifier = new IdentityVerifier(_userCa.Certificate, _hostCa.Certificate, _time);
    }

    [Fact]
    public void Verify_UserCertificateFromTheUserCa_ReturnsItsIdentity()
    {
        var identity = User("alice", TimeSpan.FromHours(1));
        using var certificate = Issue(_userCa, identity);

        var verified = _verifier.Verify(certificate);

        Assert.Equal("alice", verified.Username);
        Assert.Equal(["access", "editor"], verified.Roles);
        Assert.Equal("arn:aws:iam::123456789012:role/R", verified.RouteToApp!.AwsRoleArn);
        Assert.Equal(["arn:aws:iam::123456789012:role/R"], verified.Traits["aws_role_arns"]);
    }

    [Fact]
    public void Verify_ExpiredCertificate_IsRefused_EvenWhenCached()
    {
        using var certificate = Issue(_userCa, User("alice", TimeSpan.FromHours(1)));
        _verifier.Verify(certificate);

        _time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));

        var error = Assert.Throws<FerryException>(() => _verifier.Verify(certificate));
        Assert.Equal(ErrorKind.AccessDenied, error.Kind);
        Assert.Contains("expired", error.Message);
    }

    [Fact]
    public void Verify_CertificateFromAnotherCluster_IsRefused()
    {
        using var foreign = CertificateAuthority.Create("cluster", CaType.User, _time);
        using var certificate = Issue(foreign, User("alice", TimeSpan.FromHours(1)));

        var error = Assert.Throws<FerryException>(() => _verifier.Verify(certificate));
        Assert.Contains("not issued by this cluster", error.Message);
    }

    [Fact]
    public void Verify_UserIdentitySignedByTheHostCa_IsRefused()
    {
        using var certificate = Issue(_hostCa, User("alice", TimeSpan.FromHours(1)));

        Assert.Throws<FerryException>(() => _verifier.Verify(certificate));
    }

    [Fact]
    public void Verify_TamperedCertificate_IsRefused()
    {
        using var certificate = Issue(_userCa, User("alice", TimeSpan.FromHours(1)));
        var der = certificate.RawData;
        // Turn "alice" in the embedded identity into "mlice": the signature no longer matches.
        var index = IndexOf(der, "\"alice\""u8.ToArray());
        Assert.True(index > 0);
        der[index + 1] = (byte)'m';
        using var tampered = X509CertificateLoader.LoadCertificate(der);

        Assert.Throws<FerryException>(() => _verifier.Verify(tampered));
    }

    [Fact]
    public void CaPin_IsSha256OfTheSubjectPublicKeyInfo()
    {
        var expected = "sha256:" + Convert.ToHexStringLower(SHA256.HashData(_hostCa.Certificate.PublicKey.ExportSubjectPublicKeyInfo()));

        Assert.Equal(expected, _hostCa.Pin);
        Assert.True(CaPin.Matches(_hostCa.Certificate, [expected.ToUpperInvariant()]));
        Assert.False(CaPin.Matches(_userCa.Certificate, [expected]));
    }

    private FerryIdentity User(string name, TimeSpan ttl) => new()
    {
        Kind = IdentityKind.User,
        Username = name,
        Roles = ["access", "editor"],
        Traits = new Dictionary<string, IReadOnlyList<string>> { ["aws_role_arns"] = ["arn:aws:iam::123456789012:role/R"] },
        Expires = _time.GetUtcNow() + ttl,
        ClusterName = "cluster",
        RouteToApp = new RouteToApp { SessionId = "s1", AppName = "aws", PublicAddr = "aws.example.com", ClusterName = "cluster", AwsRoleArn = "arn:aws:iam::123456789012:role/R" },
    };

    private X509Certificate2 Issue(CertificateAuthority ca, FerryIdentity identity)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return ca.Issue(new PublicKey(key), identity, _time);
    }

    private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);

    public void Dispose()
    {
        _userCa.Dispose();
        _hostCa.Dispose();
    }
}
