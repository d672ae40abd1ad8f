using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Aws.SigV4;

/// <summary>
/// Caches the derived SigV4 signing key per (secret, date, region, service): deriving it costs four
/// HMACs and it only changes daily or with the credentials.
/// <code>
/// kDate = HMAC("AWS4" + secret, date); kRegion = HMAC(kDate, region); kService = HMAC(kRegion, service); kSigning = HMAC(kService, "aws4_request")
/// </code>
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#derive-signing-key
/// The cache is bounded: past <see cref="MaxEntries"/> it is cleared, which costs one derivation per active key.
/// </summary>
internal sealed class SigningKeyCache
{
    internal const int MaxEntries = 1024;

    private readonly ConcurrentDictionary<(string Secret, string Date, string Region, string Service), SigningKey> _keys = new();

    public static SigningKeyCache Shared { get; } = new();

    public int Count => _keys.Count;

    public SigningKey Get(string secret, string date, string region, string service)
    {
        var key = (secret, date, region, service);
        if (_keys.TryGetValue(key, out var signingKey))
        {
            return signingKey;
        }

        signingKey = new SigningKey(Derive(secret, date, region, service));
        if (_keys.Count >= MaxEntries)
        {
            _keys.Clear();
        }

        _keys[key] = signingKey;
        return signingKey;
    }

    public static byte[] Derive(string secret, string date, string region, string service)
    {
        var seed = Encoding.UTF8.GetBytes("AWS4" + secret);
        Span<byte> k = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes(date), k);
        HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(region), k);
        HMACSHA256.HashData(k, Encoding.UTF8.GetBytes(service), k);
        var signing = new byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(k, "aws4_request"u8, signing);
        CryptographicOperations.ZeroMemory(seed);
        return signing;
    }
}
