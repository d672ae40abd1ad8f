using System.Security.Cryptography;
using System.Text;

namespace Ferry.Aws.SigV4.Streaming;

/// <summary>
/// The signature chain of a chunk-signed upload: each chunk's signature covers its data and the signature before it,
/// starting from the request's own (seed) signature, so chunks cannot be dropped, reordered or replaced.
/// <code>
/// chunk:   HMAC(kSigning, "AWS4-HMAC-SHA256-PAYLOAD" \n X-Amz-Date \n scope \n previous \n hex(SHA256("")) \n hex(SHA256(data)))
/// trailer: HMAC(kSigning, "AWS4-HMAC-SHA256-TRAILER" \n X-Amz-Date \n scope \n previous \n hex(SHA256("name:value\n"...)))
/// </code>
/// The final, empty chunk is signed like any other; the trailer's previous signature is that final chunk's.
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html,
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
/// Not thread-safe: one chain per request body.
/// </summary>
public sealed class ChunkSignatureChain
{
    private const string ChunkAlgorithm = "AWS4-HMAC-SHA256-PAYLOAD";
    private const string TrailerAlgorithm = "AWS4-HMAC-SHA256-TRAILER";

    private readonly SigningKey _key;
    private readonly byte[] _prefixChunk;
    private readonly byte[] _prefixTrailer;
    private readonly byte[] _previous = new byte[SigV4Signature.HexLength];

    private ChunkSignatureChain(SigningKey key, string amzDate, string scope, string seedSignature)
    {
        _key = key;
        _prefixChunk = Encoding.UTF8.GetBytes($"{ChunkAlgorithm}\n{amzDate}\n{scope}\n");
        _prefixTrailer = Encoding.UTF8.GetBytes($"{TrailerAlgorithm}\n{amzDate}\n{scope}\n");
        if (seedSignature.Length != SigV4Signature.HexLength)
        {
            throw new ArgumentException("the seed signature is not 64 hex characters", nameof(seedSignature));
        }

        Encoding.ASCII.GetBytes(seedSignature, _previous);
    }

    /// <summary>The chain a client started with the signature the local proxy verified with the throwaway keys.</summary>
    public static ChunkSignatureChain ForVerified(SigV4RequestSignature signature, AwsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(credentials);
        return Create(credentials.SecretAccessKey, signature.AmzDate, signature.Region, signature.Service, signature.Signature);
    }

    /// <summary>The chain that continues a request the agent re-signed (<see cref="SigV4Resigner"/>) with the role's credentials.</summary>
    public static ChunkSignatureChain ForResigned(SigV4SignedRequest signed, string region, string service, AwsCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(signed);
        ArgumentNullException.ThrowIfNull(credentials);
        return Create(credentials.SecretAccessKey, signed.AmzDate, region, service, signed.Signature);
    }

    internal static ChunkSignatureChain Create(string secret, string amzDate, string region, string service, string seedSignature)
    {
        var date = amzDate[..8];
        return new(SigningKeyCache.Shared.Get(secret, date, region, service), amzDate, $"{date}/{region}/{service}/{SigV4Constants.Terminator}", seedSignature);
    }

    /// <summary>Signs the next chunk's data (empty for the final chunk) into <paramref name="signatureHex"/> (64 ASCII bytes) and advances the chain.</summary>
    public void NextChunk(ReadOnlySpan<byte> data, Span<byte> signatureHex)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, digest);
        Sign(_prefixChunk, SigV4Constants.EmptyPayloadHash, digest, signatureHex);
    }

    /// <summary>Signs the trailing headers, canonical as <c>name:value\n</c> per header, and advances the chain.</summary>
    public void Trailer(ReadOnlySpan<byte> canonicalTrailers, Span<byte> signatureHex)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(canonicalTrailers, digest);
        Sign(_prefixTrailer, null, digest, signatureHex);
    }

    private void Sign(byte[] prefix, string? middle, ReadOnlySpan<byte> digest, Span<byte> signatureHex)
    {
        var length = prefix.Length + SigV4Signature.HexLength + 1 + (middle is null ? 0 : middle.Length + 1) + SigV4Signature.HexLength;
        Span<byte> text = stackalloc byte[length];
        prefix.CopyTo(text);
        var at = prefix.Length;
        _previous.CopyTo(text[at..]);
        at += SigV4Signature.HexLength;
        text[at++] = (byte)'\n';
        if (middle is not null)
        {
            at += Encoding.ASCII.GetBytes(middle, text[at..]);
            text[at++] = (byte)'\n';
        }

        SigV4Signature.ToHexLower(digest, text.Slice(at, SigV4Signature.HexLength));
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        _key.Sign(text, mac);
        SigV4Signature.ToHexLower(mac, signatureHex);
        signatureHex[..SigV4Signature.HexLength].CopyTo(_previous);
    }
}
