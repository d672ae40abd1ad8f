namespace Ferry.Core.Rbac;

/// <summary>
/// The outcome of an access check. <see cref="Reason"/> is for the audit log and server logs (it names roles);
/// callers show users only a generic "access denied".
/// </summary>
public sealed record AccessDecision(bool Allowed, string Reason)
{
    public static AccessDecision Allow(string reason) => new(true, reason);
    public static AccessDecision Deny(string reason) => new(false, reason);
}
