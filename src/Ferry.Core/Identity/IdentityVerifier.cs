using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;

namespace Ferry.Core.Identity;

/// <summary>
/// Decides whether a presented certificate speaks for a cluster identity: it must chain to the cluster CA of
/// its kind (user certificates to the user CA, host certificates to the host CA), be inside its validity
/// window, and carry a well-formed identity. Results are cached by certificate hash until expiry, because
/// chain building is the costliest step on every proxied request and a certificate never changes.
/// </summary>
public sealed class IdentityVerifier
{
    private const int MaxCacheEntries = 10_000;

    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, FerryIdentity> _cache = new(StringComparer.Ordinal);
    private readonly TrustedCas _cas;

    public IdentityVerifier(X509Certificate2 userCa, X509Certificate2 hostCa, TimeProvider time)
    {
        _cas = new TrustedCas(userCa, hostCa);
        _time = time;
    }

    public X509Certificate2 UserCa => _cas.User;

    public X509Certificate2 HostCa => _cas.Host;

    public FerryIdentity Verify(X509Certificate2 certificate) =>
        TryCached(certificate.RawDataMemory.Span, out var key) ?? VerifyParsed(certificate, key);

    /// <summary>
    /// Verifies a DER certificate as forwarded between Ferry hops. A certificate seen before is answered from the
    /// cache by its hash, without parsing it again: parsing costs far more than hashing on every proxied request.
    /// </summary>
    public FerryIdentity Verify(ReadOnlySpan<byte> der)
    {
        if (TryCached(der, out var key) is { } cached)
        {
            return cached;
        }

        using var certificate = X509CertificateLoader.LoadCertificate(der);
        return VerifyParsed(certificate, key);
    }

    private FerryIdentity? TryCached(ReadOnlySpan<byte> der, out string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(der, hash);
        key = Convert.ToHexString(hash);
        if (!_cache.TryGetValue(key, out var cached))
        {
            return null;
        }

        if (cached.Expires > _time.GetUtcNow())
        {
            return cached;
        }

        _cache.TryRemove(key, out _);
        throw ExpiredError(cached.Expires);
    }

    private FerryIdentity VerifyParsed(X509Certificate2 certificate, string key)
    {
        var now = _time.GetUtcNow();

        if (certificate.NotAfter.ToUniversalTime() <= now.UtcDateTime)
        {
            throw ExpiredError(new DateTimeOffset(certificate.NotAfter.ToUniversalTime()));
        }

        var identity = IdentityCodec.Decode(certificate);
        var cas = _cas;
        var ca = identity.IsHost ? cas.Host : cas.User;
        if (!ChainsTo(certificate, ca, now))
        {
            throw FerryException.AccessDenied("the certificate was not issued by this cluster; log in again with tsh login");
        }

        if (_cache.Count >= MaxCacheEntries)
        {
            _cache.Clear();
        }

        _cache[key] = identity;
        return identity;
    }

    private static FerryException ExpiredError(DateTimeOffset expired) =>
        FerryException.AccessDenied($"the certificate expired at {expired:u}; log in again with tsh login");

    private static bool ChainsTo(X509Certificate2 certificate, X509Certificate2 ca, DateTimeOffset now)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = now.UtcDateTime;
        chain.ChainPolicy.DisableCertificateDownloads = true;
        if (!chain.Build(certificate))
        {
            return false;
        }

        // The chain must end at exactly our CA, not at some other root the custom store happens to accept.
        var root = chain.ChainElements[^1].Certificate;
        return root.RawDataMemory.Span.SequenceEqual(ca.RawDataMemory.Span);
    }

    private sealed record TrustedCas(X509Certificate2 User, X509Certificate2 Host);
}
