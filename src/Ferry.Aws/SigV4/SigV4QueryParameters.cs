namespace Ferry.Aws.SigV4;

/// <summary>
/// The query parameters of a presigned (query-string signed) SigV4 request, e.g.
/// <c>?X-Amz-Algorithm=AWS4-HMAC-SHA256&amp;X-Amz-Credential=AKID%2F20130721%2Fus-east-1%2Fs3%2Faws4_request&amp;X-Amz-Date=20130721T201207Z&amp;X-Amz-Expires=86400&amp;X-Amz-SignedHeaders=host&amp;X-Amz-Signature=…</c>
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
/// Names are matched after percent-decoding and without regard to case, so that no spelling of a signing
/// parameter slips past <see cref="Without"/> or <see cref="ClaimsSignature"/>.
/// </summary>
public static class SigV4QueryParameters
{
    public const string Algorithm = "X-Amz-Algorithm";
    public const string Credential = "X-Amz-Credential";
    public const string Date = "X-Amz-Date";
    public const string Expires = "X-Amz-Expires";
    public const string SignedHeaders = "X-Amz-SignedHeaders";
    public const string Signature = "X-Amz-Signature";
    public const string SecurityToken = "X-Amz-Security-Token";

    /// <summary>The parameters a presigned request must carry, each exactly once (the S3 document's table).</summary>
    public static readonly string[] Required = [Algorithm, Credential, Date, Expires, SignedHeaders, Signature];

    /// <summary>The parameters a signer adds to the query; none of them is part of the operation.</summary>
    public static bool IsSigningParameter(string decodedName) =>
        Is(decodedName, Algorithm) || Is(decodedName, Credential) || Is(decodedName, Date) || Is(decodedName, Expires)
        || Is(decodedName, SignedHeaders) || Is(decodedName, Signature) || Is(decodedName, SecurityToken);

    /// <summary>True when the query names an algorithm, a credential or a signature: it claims to be signed.</summary>
    public static bool ClaimsSignature(string rawQuery)
    {
        if (!rawQuery.Contains("amz", StringComparison.OrdinalIgnoreCase) && !rawQuery.Contains('%', StringComparison.Ordinal))
        {
            return false; // the common case, without decoding anything
        }

        foreach (var (name, _) in Pairs(rawQuery))
        {
            var decoded = Decode(name);
            if (Is(decoded, Algorithm) || Is(decoded, Credential) || Is(decoded, Signature))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The decoded values of the signing parameters (<see cref="IsSigningParameter"/>), keyed by their canonical
    /// spelling. Returns false with the name in <paramref name="repeated"/> when one appears twice: which value
    /// counts would otherwise depend on who reads the query.
    /// </summary>
    public static bool TryCollect(string rawQuery, out Dictionary<string, string> values, out string? repeated)
    {
        values = new Dictionary<string, string>(7, StringComparer.Ordinal);
        repeated = null;
        foreach (var (name, value) in Pairs(rawQuery))
        {
            var canonical = Canonical(Decode(name));
            if (canonical is null)
            {
                continue;
            }

            if (!values.TryAdd(canonical, Decode(value)))
            {
                repeated = canonical;
                return false;
            }
        }

        return true;
    }

    /// <summary>The query without X-Amz-Signature: the form the signature was computed over (S3 document, "Canonical Query String").</summary>
    public static string WithoutSignature(string rawQuery) => Without(rawQuery, static name => Is(name, Signature));

    /// <summary>The query without any signing parameter: the operation alone, ready to be signed anew.</summary>
    public static string WithoutSigningParameters(string rawQuery) => Without(rawQuery, IsSigningParameter);

    /// <summary>Drops the pairs whose decoded name <paramref name="drop"/> selects; every other pair stays as sent, in order.</summary>
    public static string Without(string rawQuery, Func<string, bool> drop)
    {
        if (rawQuery.Length == 0)
        {
            return rawQuery;
        }

        var kept = new List<string>();
        var removed = false;
        foreach (var pair in rawQuery.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (drop(Decode(eq < 0 ? pair : pair[..eq])))
            {
                removed = true;
            }
            else
            {
                kept.Add(pair);
            }
        }

        return removed ? string.Join('&', kept) : rawQuery;
    }

    private static IEnumerable<(string Name, string Value)> Pairs(string rawQuery)
    {
        if (rawQuery.Length == 0)
        {
            yield break;
        }

        foreach (var pair in rawQuery.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            yield return eq < 0 ? (pair, string.Empty) : (pair[..eq], pair[(eq + 1)..]);
        }
    }

    private static string? Canonical(string decodedName)
    {
        foreach (var name in (ReadOnlySpan<string>)[Algorithm, Credential, Date, Expires, SignedHeaders, Signature, SecurityToken])
        {
            if (Is(decodedName, name))
            {
                return name;
            }
        }

        return null;
    }

    private static bool Is(string decodedName, string name) => string.Equals(decodedName, name, StringComparison.OrdinalIgnoreCase);

    // Invalid escapes stay as they are, as in the canonical query (SigV4Encoding).
    internal static string Decode(string component) =>
        component.Contains('%', StringComparison.Ordinal) ? Uri.UnescapeDataString(component) : component;
}
