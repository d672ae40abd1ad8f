using System.Security.Cryptography;
using System.Text;

namespace Ferry.Auth.Users;

/// <summary>
/// Where the failure count and the lock of one login name are stored. A real user's sit with its credentials, so
/// tctl users reset and rm clear them. A name that is no user gets the same pair under /login_attempts/, keyed by the
/// SHA-256 of the trimmed, lower-cased name: whatever a caller types, the key cannot reach /credentials/ or any other
/// real key, and it is always 64 characters long however long the name was.
/// </summary>
internal sealed record LoginAttemptKeys(string Attempts, string Lock)
{
    public const string UnknownNamePrefix = "/login_attempts/";

    public static LoginAttemptKeys ForUser(string user) => new(CredentialKeys.Attempts(user), CredentialKeys.Lock(user));

    public static LoginAttemptKeys ForUnknownName(string name)
    {
        var id = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name.Trim().ToLowerInvariant())));
        return new($"{UnknownNamePrefix}{id}/attempts", $"{UnknownNamePrefix}{id}/lock");
    }
}
