using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Core.Identity;

namespace Ferry.AppService.Join;

/// <summary>The agent's host identity and how it trusts the cluster, after joining (or loading from data_dir).</summary>
public sealed record AgentIdentity(IdentityFile File, ServerTrust ProxyTrust)
{
    public X509Certificate2 Certificate => File.Certificate;

    public string HostId => File.Identity.Username;
}
