using Ferry.Client.Http;
using Ferry.Core.Identity;

namespace Ferry.Cluster.Join;

/// <summary>
/// A joined host's identity (an app agent's, a separate proxy's) and how it trusts the server it talks to, after joining
/// (or loading from data_dir). The certificate is a <see cref="CertificateSource"/> because the host renews it before it
/// expires (<see cref="IdentityRenewer"/>).
/// </summary>
public sealed class HostIdentity
{
    public HostIdentity(IdentityFile file, ServerTrust serverTrust, string path)
    {
        File = file;
        ServerTrust = serverTrust;
        Path = path;
        Source = new CertificateSource(file.Certificate);
        HostId = file.Identity.Username;
    }

    public IdentityFile File { get; private set; }

    /// <summary>How the host verifies the server it joined through (agents: a Proxy; proxies: Auth).</summary>
    public ServerTrust ServerTrust { get; }

    /// <summary>Where the identity is kept (0600).</summary>
    public string Path { get; }

    public CertificateSource Source { get; }

    /// <summary>The host id auth assigned at join.</summary>
    public string HostId { get; }

    /// <summary>Keeps a renewed certificate: on disk first, so a restart finds it, then for new connections.</summary>
    public void Replace(IdentityFile renewed)
    {
        renewed.Save(Path);
        File = renewed;
        Source.Replace(renewed.Certificate);
    }
}
