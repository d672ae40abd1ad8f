using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Ferry.Core.Errors;

namespace Ferry.Core.Sso;

/// <summary>
/// Seals the result of a browser login for the tsh that started it: AES-256-GCM with a key tsh made for this login and
/// sent to auth over TLS. The browser carries only ciphertext to tsh's listener, so neither its history nor a program
/// on the machine that races tsh to the loopback port learns or forges the certificate (the tag fails).
/// </summary>
public static class SsoSeal
{
    private const int KeySize = 32;
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private static readonly byte[] Context = Encoding.ASCII.GetBytes("ferry-sso-console-result-v1");

    public static string NewKey() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(KeySize));

    /// <summary>Checks a key sent by a client; a bad one is refused before a login starts.</summary>
    public static byte[] ParseKey(string? key)
    {
        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(key ?? "");
        }
        catch (FormatException)
        {
            bytes = [];
        }

        return bytes.Length == KeySize ? bytes : throw FerryException.BadParameter("seal_key must be 32 random bytes in base64url");
    }

    public static string Seal(string key, string plaintext)
    {
        var keyBytes = ParseKey(key);
        var data = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[NonceSize + data.Length + TagSize];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(keyBytes, TagSize);
        aes.Encrypt(nonce, data, output.AsSpan(NonceSize, data.Length), output.AsSpan(NonceSize + data.Length), Context);
        return Base64Url.EncodeToString(output);
    }

    /// <summary>The plaintext, or null when the value was not sealed with <paramref name="key"/> (forged, altered or truncated).</summary>
    public static string? Open(string key, string? sealedValue)
    {
        var keyBytes = ParseKey(key);
        byte[] input;
        try
        {
            input = Base64Url.DecodeFromChars(sealedValue ?? "");
        }
        catch (FormatException)
        {
            return null;
        }

        if (input.Length < NonceSize + TagSize)
        {
            return null;
        }

        var length = input.Length - NonceSize - TagSize;
        var plaintext = new byte[length];
        try
        {
            using var aes = new AesGcm(keyBytes, TagSize);
            aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize, length), input.AsSpan(NonceSize + length), plaintext, Context);
        }
        catch (AuthenticationTagMismatchException)
        {
            return null;
        }

        return Encoding.UTF8.GetString(plaintext);
    }
}
