using Ferry.Client.Http;
using Ferry.Core.Identity;

namespace Ferry.AppService.Join;

/// <summary>
/// The agent's host identity and how it trusts the cluster, after joining (or loading from data_dir). The certificate
/// is a <see cref="CertificateSource"/> because the agent renews it before it expires (<see cref="IdentityRenewer"/>).
/// </summary>
public sealed class AgentIdentity
{
    public AgentIdentity(IdentityFile file, ServerTrust proxyTrust, string path)
    {
        File = file;
        ProxyTrust = proxyTrust;
        Path = path;
        Source = new CertificateSource(file.Certificate);
        HostId = file.Identity.Username;
    }

    public IdentityFile File { get; private set; }

    public ServerTrust ProxyTrust { get; }

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
