using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Locks;

namespace Ferry.Auth.Authorities;

/// <summary>Signs certificates for public keys the callers generated; the only code that touches CA private keys.</summary>
public sealed class CertIssuer
{
    private readonly ClusterAuthorities _cas;
    private readonly TimeProvider _time;

    public CertIssuer(ClusterAuthorities cas, TimeProvider time)
    {
        _cas = cas;
        _time = time;
    }

    public ClusterAuthorities Authorities => _cas;

    public string ClusterName => _cas.ClusterName;

    /// <summary>A user certificate; no user certificate outlives <see cref="LockKeys.MaxUserCertTtl"/>, so revocations can expire.</summary>
    public X509Certificate2 IssueUser(string publicKeyPem, FerryIdentity identity)
    {
        var cap = _time.GetUtcNow() + LockKeys.MaxUserCertTtl;
        return _cas.User.Issue(
            ParsePublicKey(publicKeyPem),
            identity with { Kind = IdentityKind.User, ClusterName = _cas.ClusterName, Expires = identity.Expires < cap ? identity.Expires : cap },
            _time);
    }

    public X509Certificate2 IssueHost(string publicKeyPem, string hostId, string? nodeName, string systemRole, IEnumerable<string> dnsNames, TimeSpan ttl) =>
        IssueHost(ParsePublicKey(publicKeyPem), hostId, nodeName, systemRole, dnsNames, ttl);

    public X509Certificate2 IssueHost(PublicKey publicKey, string hostId, string? nodeName, string systemRole, IEnumerable<string> dnsNames, TimeSpan ttl) =>
        _cas.Host.Issue(
            publicKey,
            new FerryIdentity
            {
                Kind = IdentityKind.Host,
                Username = hostId,
                Roles = [systemRole],
                Expires = _time.GetUtcNow() + ttl,
                ClusterName = _cas.ClusterName,
                NodeName = nodeName,
            },
            _time,
            dnsNames);

    /// <summary>Host certificate for a key held in this process (the auth server's own and the local proxy's identity).</summary>
    public X509Certificate2 IssueHost(ECDsa key, string hostId, string? nodeName, string systemRole, IEnumerable<string> dnsNames, TimeSpan ttl) =>
        IssueHost(key.ExportSubjectPublicKeyInfoPem(), hostId, nodeName, systemRole, dnsNames, ttl);

    /// <summary>Accepts an ECDSA (P-256/P-384) or RSA (≥ 2048 bit) public key in PEM SubjectPublicKeyInfo form.</summary>
    public static PublicKey ParsePublicKey(string publicKeyPem)
    {
        if (string.IsNullOrWhiteSpace(publicKeyPem) || publicKeyPem.Length > 16_384)
        {
            throw FerryException.BadParameter("public_key is missing or too large: send a PEM \"PUBLIC KEY\" (SubjectPublicKeyInfo)");
        }

        try
        {
            using var ecdsa = ECDsa.Create();
            ecdsa.ImportFromPem(publicKeyPem);
            if (ecdsa.KeySize < 256)
            {
                throw FerryException.BadParameter("public_key is too weak: use ECDSA P-256 or stronger");
            }

            return new PublicKey(ecdsa);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            try
            {
                using var rsa = RSA.Create();
                rsa.ImportFromPem(publicKeyPem);
                if (rsa.KeySize < 2048)
                {
                    throw FerryException.BadParameter("public_key is too weak: RSA keys need at least 2048 bits");
                }

                return new PublicKey(rsa);
            }
            catch (Exception e2) when (e2 is CryptographicException or ArgumentException)
            {
                throw FerryException.BadParameter("public_key is not a PEM ECDSA or RSA public key (SubjectPublicKeyInfo)");
            }
        }
    }
}
