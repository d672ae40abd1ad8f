using System.Web;
using OtpNet;

namespace Ferry.Auth.Tests.Infrastructure;

/// <summary>Computes the code an authenticator app would show for an otpauth:// URI at a given time.</summary>
internal static class TotpCodes
{
    public static string SecretOf(string otpAuthUri) => HttpUtility.ParseQueryString(new Uri(otpAuthUri).Query)["secret"]!;

    public static string At(string secret, DateTimeOffset time) => new OtpNet.Totp(Base32Encoding.ToBytes(secret)).ComputeTotp(time.UtcDateTime);
}
