using OtpNet;

namespace Ferry.Auth.Users;

/// <summary>RFC 6238 TOTP (SHA-1, 6 digits, 30 s) as authenticator apps expect, with replay protection.</summary>
internal static class Totp
{
    public static string NewSecret() => Base32Encoding.ToString(KeyGeneration.GenerateRandomKey(20));

    public static string OtpAuthUri(string secret, string user, string clusterName) =>
        $"otpauth://totp/{Uri.EscapeDataString(clusterName)}:{Uri.EscapeDataString(user)}?secret={secret}&issuer={Uri.EscapeDataString(clusterName)}&algorithm=SHA1&digits=6&period=30";

    /// <summary>
    /// Checks <paramref name="code"/> at <paramref name="now"/> with one step of clock drift either way.
    /// Returns the matched time step, which must be greater than the last accepted one (no replays).
    /// </summary>
    public static long? Verify(string secret, string code, DateTimeOffset now, long lastUsedStep)
    {
        if (code.Length != 6 || !code.All(char.IsAsciiDigit))
        {
            return null;
        }

        var totp = new OtpNet.Totp(Base32Encoding.ToBytes(secret));
        if (!totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)))
        {
            return null;
        }

        return step > lastUsedStep ? step : null;
    }
}
