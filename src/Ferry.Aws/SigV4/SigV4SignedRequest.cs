namespace Ferry.Aws.SigV4;

/// <summary>The outcome of <see cref="SigV4Resigner.Resign"/>: the complete header set to send upstream.</summary>
public sealed class SigV4SignedRequest
{
    internal SigV4SignedRequest(
        IReadOnlyList<KeyValuePair<string, string>> headers, string authorization, string amzDate, string signedHeaders, string payloadHash, string signature)
    {
        Signature = signature;
        Headers = headers;
        Authorization = authorization;
        AmzDate = amzDate;
        SignedHeaders = signedHeaders;
        PayloadHash = payloadHash;
    }

    /// <summary>
    /// Every header to send, in order: Host, the signed headers, Authorization, then the headers that were
    /// left out of the signature and restored (docs/aws-access.md §1.8). A multi-valued header appears once per value.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    public string Authorization { get; }

    public string AmzDate { get; }

    /// <summary>The SignedHeaders list of the new signature, e.g. <c>content-type;host;x-amz-date;x-amz-security-token;x-amz-target</c>.</summary>
    public string SignedHeaders { get; }

    public string PayloadHash { get; }

    /// <summary>The new signature (hex): the seed of a chunk-signed body's chain (<see cref="Streaming.ChunkSignatureChain"/>). Never logged.</summary>
    public string Signature { get; }
}
