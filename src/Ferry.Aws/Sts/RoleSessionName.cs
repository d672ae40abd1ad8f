using System.Security.Cryptography;
using System.Text;

namespace Ferry.Aws.Sts;

/// <summary>
/// The RoleSessionName of AssumeRole for a Ferry user: what CloudTrail and the console show as the session.
/// AWS allows 2–64 characters of <c>[\w+=,.@-]</c>.
/// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_RequestParameters
/// </summary>
public static class RoleSessionName
{
    public const int MaxLength = 64;
    private const int HashHexLength = 16;

    /// <summary>
    /// Replaces every character outside <c>[A-Za-z0-9_+=,.@-]</c> with '-'; a result over 64 characters becomes
    /// its first 47 characters, '-', and the first 16 hex characters of the SHA-1 of the full user name
    /// (aws-access.md §1.9, Teleport's MaybeHashRoleSessionName), so long names stay distinct.
    /// </summary>
    public static string FromUser(string user)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);
        var name = string.Create(user.Length, user, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                var c = source[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '+' or '=' or ',' or '.' or '@' or '-' ? c : '-';
            }
        });

        if (name.Length <= MaxLength)
        {
            return name;
        }

        var hash = Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(user)))[..HashHexLength];
        return $"{name[..(MaxLength - HashHexLength - 1)]}-{hash}";
    }
}
