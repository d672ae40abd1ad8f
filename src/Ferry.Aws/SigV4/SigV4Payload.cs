using System.Security.Cryptography;

namespace Ferry.Aws.SigV4;

/// <summary>
/// What the last line of the canonical request is computed from: the body bytes, or a ready hash
/// (a hex SHA-256 computed while buffering, or a literal such as <c>UNSIGNED-PAYLOAD</c>).
/// </summary>
public readonly struct SigV4Payload
{
    private readonly ReadOnlyMemory<byte> _body;
    private readonly string? _hash;

    private SigV4Payload(ReadOnlyMemory<byte> body, string? hash)
    {
        _body = body;
        _hash = hash;
    }

    public static SigV4Payload Empty => new(ReadOnlyMemory<byte>.Empty, SigV4Constants.EmptyPayloadHash);

    public static SigV4Payload Unsigned => new(ReadOnlyMemory<byte>.Empty, SigV4Constants.UnsignedPayload);

    public static SigV4Payload FromBody(ReadOnlyMemory<byte> body) => new(body, null);

    /// <summary>A lower-case hex SHA-256 of the body, or a payload literal.</summary>
    public static SigV4Payload FromHash(string hash)
    {
        ArgumentException.ThrowIfNullOrEmpty(hash);
        return new SigV4Payload(ReadOnlyMemory<byte>.Empty, hash);
    }

    /// <summary>
    /// The payload hash as docs/aws-access.md §1.4 step 3.3 prescribes: the X-Amz-Content-Sha256 literal when
    /// the client declared an unsigned or chunk-signed payload, otherwise the SHA-256 hex of the body.
    /// </summary>
    internal string Resolve(string? contentSha256Header)
    {
        if (SigV4Constants.IsPayloadLiteral(contentSha256Header))
        {
            return contentSha256Header!;
        }

        if (_hash is not null)
        {
            return _hash;
        }

        if (_body.IsEmpty)
        {
            return SigV4Constants.EmptyPayloadHash;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(_body.Span, digest);
        return Convert.ToHexStringLower(digest);
    }
}
