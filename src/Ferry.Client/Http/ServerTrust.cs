using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;
using Ferry.Core.Identity;

namespace Ferry.Client.Http;

/// <summary>
/// How a client decides to trust a cluster server: the system's roots (a proxy with a public certificate), or the
/// cluster's host CA *and* the system role the server's certificate names (a proxy must be a Proxy, auth must be
/// Auth: an app agent's host certificate chains to the same CA and must never pass for either), or nothing at all
/// with --insecure (test setups, and only where the caller asked for it on this very command).
/// </summary>
public sealed class ServerTrust
{
    public static readonly ServerTrust System = new(false, null);

    private volatile string? _lastRejection;

    public ServerTrust(bool insecure, X509Certificate2? hostCa, string? expectedRole = null)
    {
        Insecure = insecure;
        HostCa = hostCa;
        ExpectedRole = expectedRole;
    }

    public bool Insecure { get; }

    public X509Certificate2? HostCa { get; }

    /// <summary>The system role a host-CA certificate must carry (SystemRoles.Proxy or SystemRoles.Auth); null = any.</summary>
    public string? ExpectedRole { get; }

    /// <summary>Why the last certificate was refused, for the error a user reads (never a secret).</summary>
    public string? LastRejection => _lastRejection;

    /// <summary>Trust a Ferry proxy: system roots, or the host CA with the Proxy role.</summary>
    public static ServerTrust ForProxy(X509Certificate2? hostCa) => new(false, hostCa, Core.Resources.SystemRoles.Proxy);

    /// <summary>Trust a Ferry auth server: the host CA with the Auth role.</summary>
    public static ServerTrust ForAuth(X509Certificate2 hostCa) => new(false, hostCa, Core.Resources.SystemRoles.Auth);

    public bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (Insecure)
        {
            return true;
        }

        if (certificate is null)
        {
            return Reject("the server sent no certificate");
        }

        using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        var carriesIdentity = leaf.Extensions[IdentityCodec.IdentityExtensionOid] is not null;
        if (errors == SslPolicyErrors.None)
        {
            // A publicly trusted certificate. If it nevertheless carries a Ferry identity, that identity must fit too.
            return !carriesIdentity || RoleMatches(leaf);
        }

        if (HostCa is null)
        {
            return Reject("its certificate is not trusted by this machine");
        }

        if ((errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
        {
            return Reject($"its certificate does not match the address ({errors})");
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.Add(HostCa);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.DisableCertificateDownloads = true;
        if (!custom.Build(leaf) || !custom.ChainElements[^1].Certificate.RawDataMemory.Span.SequenceEqual(HostCa.RawDataMemory.Span))
        {
            return Reject("its certificate was not issued by this cluster's host CA");
        }

        return RoleMatches(leaf);
    }

    private bool RoleMatches(X509Certificate2 leaf)
    {
        if (ExpectedRole is null)
        {
            return true;
        }

        FerryIdentity identity;
        try
        {
            identity = IdentityCodec.Decode(leaf);
        }
        catch (FerryException)
        {
            return Reject($"its certificate does not name the {ExpectedRole} role");
        }

        return identity.HasSystemRole(ExpectedRole)
            ? true
            : Reject($"its certificate belongs to a {string.Join(",", identity.Roles)} {(identity.IsHost ? "host" : "user")}, not to a {ExpectedRole} server");
    }

    private bool Reject(string reason)
    {
        _lastRejection = reason;
        return false;
    }
}
