using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;

namespace Ferry.Aws.Http;

/// <summary>
/// The trust of AWS_CA_BUNDLE: like botocore's <c>verify=&lt;bundle&gt;</c>, the bundle replaces the system store
/// (it does not add to it). Host-name checks still apply; revocation is not checked (OpenSSL's default too).
/// </summary>
internal sealed class AwsCaBundle
{
    private readonly X509Certificate2Collection _certificates;

    private AwsCaBundle(string path, X509Certificate2Collection certificates)
    {
        Path = path;
        _certificates = certificates;
    }

    public string Path { get; }

    public int Count => _certificates.Count;

    public static AwsCaBundle Load(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new FerryException(ErrorKind.BadParameter, $"AWS_CA_BUNDLE '{path}' cannot be read as a PEM certificate bundle: {e.Message}", e);
        }

        if (certificates.Count == 0)
        {
            throw FerryException.BadParameter($"AWS_CA_BUNDLE '{path}' contains no PEM certificates");
        }

        return new AwsCaBundle(path, certificates);
    }

    /// <summary>Validates a server certificate against the bundle only; the name check comes from the TLS stack.</summary>
    public bool Validate(X509Certificate? certificate, X509Chain? presented, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(_certificates);
        chain.ChainPolicy.ExtraStore.AddRange(_certificates);
        if (presented is not null)
        {
            // Intermediates the server sent.
            foreach (var element in presented.ChainElements)
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        return chain.Build(leaf);
    }
}
