using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;

namespace Ferry.Core.Locks;

/// <summary>
/// The one rule, applied alike by auth, proxies and agents, for whether a verified identity may act right now: no lock
/// in force targets its user or any of its roles, and it was not issued before a revocation of its user. Host identities
/// (agents, proxies) are not subject to user locks.
/// </summary>
public static class LockRules
{
    /// <summary>Null when the identity may act; otherwise the AccessDenied error the caller reads (with the lock's message).</summary>
    public static FerryException? Refusal(FerryIdentity identity, IEnumerable<AccessLock> locks, Func<string, UserRevocation?> revocationOf, DateTimeOffset now)
    {
        if (identity.IsHost)
        {
            return null;
        }

        foreach (var candidate in locks)
        {
            if (candidate.IsInForce(now) && candidate.Targets(identity.Username, identity.Roles))
            {
                return FerryException.AccessDenied(candidate.Describe());
            }
        }

        if (revocationOf(identity.Username) is { } revocation && (identity.Issued is not { } issued || issued < revocation.NotBefore))
        {
            return FerryException.AccessDenied(
                $"this certificate of user \"{identity.Username}\" is no longer valid: the user was {revocation.Reason} at {revocation.NotBefore:u}; log in again with tsh login");
        }

        return null;
    }
}
