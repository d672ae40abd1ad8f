using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.Core.Identity;

/// <summary>CA pins: "sha256:" + hex of SHA-256 over the DER SubjectPublicKeyInfo (the format Teleport prints).</summary>
public static class CaPin
{
    public static string Compute(X509Certificate2 certificate) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(certificate.PublicKey.ExportSubjectPublicKeyInfo()));

    public static bool Matches(X509Certificate2 certificate, IEnumerable<string> pins)
    {
        var actual = System.Text.Encoding.ASCII.GetBytes(Compute(certificate));
        return pins.Any(pin => CryptographicOperations.FixedTimeEquals(actual, System.Text.Encoding.ASCII.GetBytes(pin.Trim().ToLowerInvariant())));
    }
}
