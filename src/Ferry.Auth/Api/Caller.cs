using Ferry.Core.Identity;

namespace Ferry.Auth.Api;

/// <summary>The verified identity behind an API call, and where it came from.</summary>
public sealed record Caller(FerryIdentity Identity, string? RemoteAddr, bool ViaProxy)
{
    /// <summary>The name audit events record as the actor.</summary>
    public string Actor => Identity.IsHost ? $"{Identity.Roles.FirstOrDefault()}:{Identity.Username}" : Identity.Username;
}
