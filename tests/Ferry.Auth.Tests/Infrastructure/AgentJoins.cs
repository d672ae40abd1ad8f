using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Api;
using Ferry.Core.Identity;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tests.Infrastructure;

/// <summary>Joins test agents the way real ones do: an app token for some app names, then POST /join.</summary>
internal static class AgentJoins
{
    /// <summary>Joins an app agent with a fresh token for <paramref name="appNames"/>; returns its assigned host id.</summary>
    public static async Task<string> JoinAppAgentAsync(this AuthFixture auth, params string[] appNames)
    {
        var token = await auth.Server.Tokens.CreateAsync([SystemRoles.App], null, null, null, appNames, "test", CancellationToken.None);
        var response = await auth.Server.Hosts.JoinAsync(JoinRequest(token.Name, SystemRoles.App), "10.0.0.5", CancellationToken.None);
        return response.HostId;
    }

    public static JoinRequest JoinRequest(string token, string role, IReadOnlyList<string>? dnsNames = null) => new()
    {
        Token = token,
        Role = role,
        NodeName = "agent",
        PublicKey = AuthFixture.NewKey().PublicKeyPem,
        DnsNames = dnsNames ?? [],
    };

    public static FerryIdentity Identity(this AuthFixture auth, string certificatePem) =>
        auth.Server.Verifier.Verify(X509Certificate2.CreateFromPem(certificatePem));
}
