using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Aws.SigV4;

/// <summary>
/// The last two steps of SigV4: hash the canonical request into the string to sign, then HMAC it with the
/// signing key.
/// <code>
/// StringToSign = "AWS4-HMAC-SHA256" \n X-Amz-Date \n date/region/service/aws4_request \n hex(SHA256(CanonicalRequest))
/// Signature    = hex(HMAC-SHA256(kSigning, StringToSign))
/// </code>
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-string-to-sign
/// </summary>
internal static class SigV4Signature
{
    public const int HexLength = 64;

    /// <summary>Writes the lower-case hex signature (64 ASCII bytes) of <paramref name="canonicalRequest"/> into <paramref name="destination"/>.</summary>
    public static void Compute(SigningKey signingKey, string amzDate, string scope, StringBuilder canonicalRequest, Span<byte> destination)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        HashUtf8(canonicalRequest, digest);

        // "AWS4-HMAC-SHA256\n" + date + "\n" + scope + "\n" + 64 hex
        var length = SigV4Constants.Algorithm.Length + 3 + amzDate.Length + Encoding.UTF8.GetByteCount(scope) + HexLength;
        var rented = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            var span = rented.AsSpan(0, length);
            var at = Encoding.ASCII.GetBytes(SigV4Constants.Algorithm, span);
            span[at++] = (byte)'\n';
            at += Encoding.ASCII.GetBytes(amzDate, span[at..]);
            span[at++] = (byte)'\n';
            at += Encoding.UTF8.GetBytes(scope, span[at..]);
            span[at++] = (byte)'\n';
            ToHexLower(digest, span.Slice(at, HexLength));

            Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
            signingKey.Sign(span, mac);
            ToHexLower(mac, destination);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void HashUtf8(StringBuilder text, Span<byte> digest)
    {
        // One pass through a pooled buffer; the canonical request is a few hundred bytes.
        var chars = ArrayPool<char>.Shared.Rent(text.Length);
        var bytes = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
        try
        {
            text.CopyTo(0, chars, text.Length);
            var n = Encoding.UTF8.GetBytes(chars, 0, text.Length, bytes, 0);
            SHA256.HashData(bytes.AsSpan(0, n), digest);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
            ArrayPool<byte>.Shared.Return(bytes);
        }
    }

    internal static void ToHexLower(ReadOnlySpan<byte> bytes, Span<byte> destination)
    {
        const string hex = "0123456789abcdef";
        for (var i = 0; i < bytes.Length; i++)
        {
            destination[2 * i] = (byte)hex[bytes[i] >> 4];
            destination[(2 * i) + 1] = (byte)hex[bytes[i] & 0xF];
        }
    }
}
