using System.Security.Cryptography;
using System.Text;

namespace Ferry.Core.Security;

/// <summary>
/// Bearer secrets (cookie halves, one-time tokens): random, stored only as SHA-256, compared in constant time.
/// The one place Ferry compares secrets.
/// </summary>
public static class Secrets
{
    public static string New(int bytes = 32) => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(bytes));

    public static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    /// <summary>True when <paramref name="secret"/> hashes to <paramref name="expectedHash"/>; time does not depend on where they differ.</summary>
    public static bool Matches(string? secret, string? expectedHash)
    {
        if (string.IsNullOrEmpty(secret) || string.IsNullOrEmpty(expectedHash))
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Hash(secret)), Encoding.ASCII.GetBytes(expectedHash));
    }

    public static bool EqualsConstantTime(string? a, string? b) =>
        a is not null && b is not null && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));

    /// <summary>Splits "id.secret" (the shape of Ferry's cookies and launch tokens); false when malformed.</summary>
    public static bool TrySplit(string? value, out string id, out string secret)
    {
        id = secret = "";
        if (string.IsNullOrEmpty(value) || value.Length > 256)
        {
            return false;
        }

        var dot = value.IndexOf('.', StringComparison.Ordinal);
        if (dot <= 0 || dot == value.Length - 1)
        {
            return false;
        }

        id = value[..dot];
        secret = value[(dot + 1)..];
        return id.All(c => char.IsAsciiLetterOrDigit(c) || c == '-') && secret.All(char.IsAsciiHexDigit);
    }
}
