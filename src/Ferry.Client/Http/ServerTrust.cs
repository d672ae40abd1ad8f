using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.Client.Http;

/// <summary>
/// How a client decides to trust a cluster server: the system's roots (a proxy with a public certificate),
/// the cluster's host CA (the proxy's default certificate, the auth server, agents), or nothing at all
/// with --insecure (the quickstart's self-signed proxy before the host CA is known).
/// </summary>
public sealed record ServerTrust(bool Insecure, X509Certificate2? HostCa)
{
    public static readonly ServerTrust System = new(false, null);

    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Insecure || errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (HostCa is null || certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(HostCa);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.DisableCertificateDownloads = true;
        using var leaf = new X509Certificate2(certificate);
        return custom.Build(leaf) && custom.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(HostCa.RawDataMemory.Span);
    }
}
