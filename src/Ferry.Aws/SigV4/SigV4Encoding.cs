using System.Text;

namespace Ferry.Aws.SigV4;

/// <summary>
/// URI encoding as SigV4 defines it: every byte except the unreserved characters A-Z a-z 0-9 - . _ ~
/// is percent-encoded with upper-case hex; a space is %20, never '+'.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-canonical-request
/// </summary>
internal static class SigV4Encoding
{
    private const string Hex = "0123456789ABCDEF";

    public static bool IsUnreserved(int c) =>
        c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or >= '0' and <= '9' or '-' or '.' or '_' or '~';

    /// <summary>
    /// Encodes <paramref name="value"/> strictly. With <paramref name="decodeFirst"/>, valid %XX escapes are
    /// first turned back into their bytes, so an already-encoded query component comes out in canonical
    /// form whatever escaping the client used; without it a '%' becomes %25 (the double encoding of paths).
    /// </summary>
    public static void Append(StringBuilder sb, ReadOnlySpan<char> value, bool decodeFirst, bool keepSlash)
    {
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (decodeFirst && c == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                AppendByte(sb, (byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2])));
                i += 2;
            }
            else if (c < 0x80)
            {
                if (keepSlash && c == '/')
                {
                    sb.Append('/');
                }
                else
                {
                    AppendByte(sb, (byte)c);
                }
            }
            else
            {
                // Non-ASCII: encode the UTF-8 bytes of the code point (a lone surrogate becomes U+FFFD, as in UTF-8 encoders).
                Rune rune;
                if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                {
                    rune = new Rune(c, value[++i]);
                }
                else
                {
                    rune = Rune.TryCreate(c, out var r) ? r : Rune.ReplacementChar;
                }

                var n = rune.EncodeToUtf8(utf8);
                for (var b = 0; b < n; b++)
                {
                    AppendByte(sb, utf8[b]);
                }
            }
        }
    }

    private static void AppendByte(StringBuilder sb, byte b)
    {
        if (IsUnreserved(b))
        {
            sb.Append((char)b);
        }
        else
        {
            sb.Append('%').Append(Hex[b >> 4]).Append(Hex[b & 0xF]);
        }
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
