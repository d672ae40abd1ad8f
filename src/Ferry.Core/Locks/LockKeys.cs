namespace Ferry.Core.Locks;

/// <summary>Where locks and revocations live in storage, and how long user certificates may live at most.</summary>
public static class LockKeys
{
    public const string LockPrefix = "/locks/";
    public const string RevocationPrefix = "/revocations/";

    /// <summary>No user certificate lives longer, whatever a role's max_session_ttl says (Teleport's cap is the same).</summary>
    public static readonly TimeSpan MaxUserCertTtl = TimeSpan.FromHours(30);

    public static string LockKey(string name) => LockPrefix + name;

    public static string RevocationKey(string user) => RevocationPrefix + user;
}
