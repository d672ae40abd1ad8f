using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ferry.Core.IO;

namespace Ferry.Tsh.Resident;

/// <summary>
/// What a resident local proxy tells later <c>tsh aws</c> runs about itself, in a 0600 file beside the app
/// certificate (<c>&lt;app&gt;-aws-proxy.&lt;mode&gt;.state</c>): where it listens, the throwaway key pair clients sign
/// with, and which app certificate it serves. The file is also its lease: a resident whose file is gone, or names
/// another token, stops (docs/aws-access.md §2.4).
/// </summary>
internal sealed record ResidentProxyState
{
    public required int Pid { get; init; }
    public required int Port { get; init; }
    /// <summary>Random per resident: tells this resident's file from a successor's written at the same path.</summary>
    public required string Token { get; init; }
    public required string AccessKeyId { get; init; }
    public required string SecretAccessKey { get; init; }
    public required string CaBundlePath { get; init; }
    /// <summary>SHA-256 of the app certificate file it serves; a new <c>tsh apps login</c> makes a new one.</summary>
    public required string CertificateSha256 { get; init; }
    public required DateTimeOffset Expires { get; init; }

    public void Write(string path) => SecureFile.WriteAllText(path, JsonSerializer.Serialize(this, ResidentJson.Default.ResidentProxyState));

    /// <summary>The state at <paramref name="path"/>, or null when it is missing, unreadable, or not private to this user.</summary>
    public static ResidentProxyState? Read(string path)
    {
        try
        {
            if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead | UnixFileMode.OtherWrite)) != 0)
            {
                return null; // someone loosened it: its keys may be known to others, so it is not used
            }

            return JsonSerializer.Deserialize(File.ReadAllBytes(path), ResidentJson.Default.ResidentProxyState);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            return null;
        }
    }

    public static string HashFile(string path) => Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path)));
}

/// <summary>Source-generated (no reflection): tsh reads this file on every <c>tsh aws</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(ResidentProxyState))]
internal sealed partial class ResidentJson : JsonSerializerContext;
