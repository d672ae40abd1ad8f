using System.Security.Cryptography.X509Certificates;

namespace Ferry.Core.Identity;

/// <summary>
/// The current certificate (with its private key) of a host identity that renews itself: servers select it for each
/// new TLS handshake and clients present it on each new connection, so a renewal needs no restart.
/// </summary>
public sealed class CertificateSource
{
    private volatile X509Certificate2 _current;

    public CertificateSource(X509Certificate2 initial)
    {
        _current = initial;
    }

    public X509Certificate2 Current => _current;

    /// <summary>Raised after <see cref="Replace"/>.</summary>
    public event Action<X509Certificate2>? Replaced;

    /// <summary>True once at least half of the current certificate's lifetime has passed: time to renew.</summary>
    public bool DueForRenewal(DateTimeOffset now)
    {
        var notBefore = new DateTimeOffset(_current.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(_current.NotAfter.ToUniversalTime());
        return now >= notBefore + (notAfter - notBefore) / 2;
    }

    public void Replace(X509Certificate2 next)
    {
        // The old certificate stays referenced by connections that are still open; it is left to the GC.
        _current = next;
        Replaced?.Invoke(next);
    }

    public static implicit operator Func<X509Certificate2?>(CertificateSource source) => () => source.Current;
}
