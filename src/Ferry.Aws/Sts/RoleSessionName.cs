using System.Security.Cryptography;
using System.Text;

namespace Ferry.Aws.Sts;

/// <summary>
/// The RoleSessionName of AssumeRole for a Ferry user: what CloudTrail and the console show as the session
/// (<c>assumed-role/Role/alice</c>), and part of the STS cache key. AWS allows 2–64 characters of <c>[\w+=,.@-]</c>.
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_RequestParameters
/// Distinct Ferry users get distinct names, so they never share cached credentials or a CloudTrail identity.
/// </summary>
public static class RoleSessionName
{
    public const int MaxLength = 64;
    private const int MinLength = 2;
    private const int HashHexLength = 16;
    private const int HashedPrefixLength = MaxLength - HashHexLength - 1;

    /// <summary>
    /// A user name that AWS accepts as it is (2–64 characters of <c>[A-Za-z0-9_+=,.@-]</c>) stays unchanged, unless it
    /// looks like a hashed name itself. Any other name becomes the name with every other character replaced by '-',
    /// cut to 47 characters, then '-' and the first 16 hex characters of the SHA-1 of the full UTF-8 user name: for
    /// a long name that is Teleport's MaybeHashRoleSessionName, and the same suffix keeps
    /// "a b" and "a-b" apart. Why this is one-to-one (up to a 64-bit hash collision): unchanged results never end in
    /// '-' and 16 lower-case hex characters (<see cref="LooksHashed"/>), hashed results always do, and two hashed
    /// results are equal only if the hashes of the two user names are.
    /// </summary>
    public static string FromUser(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var replaced = false;
        var name = string.Create(user.Length, user, (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                var allowed = char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-';
                span[i] = allowed ? c : '-';
                replaced |= !allowed;
            }
        });

        if (!replaced && name.Length is >= MinLength and <= MaxLength && !LooksHashed(name))
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(user)))[..HashHexLength];
        return $"{(name.Length > HashedPrefixLength ? name[..HashedPrefixLength] : name)}-{hash}";
    }

    /// <summary>Ends in '-' and 16 lower-case hex characters, the suffix <see cref="FromUser"/> appends.</summary>
    private static bool LooksHashed(string name)
    {
        if (name.Length < HashHexLength + 1 || name[^(HashHexLength + 1)] != '-')
        {
            return false;
        }

        foreach (var c in name.AsSpan(name.Length - HashHexLength))
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        return true;
    }
}
