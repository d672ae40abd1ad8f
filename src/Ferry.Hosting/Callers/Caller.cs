using Ferry.Core.Identity;

namespace Ferry.Hosting.Callers;

/// <summary>The verified identity behind a request, and where it came from.</summary>
/// <param name="Identity">Who acts: the direct caller, or the user a proxy forwarded.</param>
/// <param name="CertificateDer">The acting identity's certificate (DER), for passing it on to the next hop.</param>
/// <param name="RemoteAddr">The client's address: the socket's, or for calls a proxy makes or relays, the one it reports.</param>
/// <param name="ViaProxy">True when a proxy forwarded the identity (a browser or tctl through the proxy).</param>
public sealed record Caller(FerryIdentity Identity, ReadOnlyMemory<byte> CertificateDer, string? RemoteAddr, bool ViaProxy)
{
    /// <summary>The name audit events record as the actor.</summary>
    public string Actor => Identity.IsHost ? $"{Identity.Roles.FirstOrDefault()}:{Identity.Username}" : Identity.Username;
}
