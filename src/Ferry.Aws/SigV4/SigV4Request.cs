namespace Ferry.Aws.SigV4;

/// <summary>
/// The parts of an HTTP request that SigV4 covers, exactly as they appear on the wire: the path and
/// query are the raw, still percent-encoded strings the client sent (for Kestrel, <c>IHttpRequestFeature.RawTarget</c>),
/// never a <see cref="Uri"/> that may have re-escaped or normalised them. Multi-valued headers may be given
/// as repeated entries or pre-joined with commas.
/// </summary>
public sealed class SigV4Request
{
    public SigV4Request(string method, string authority, string rawPath, string? rawQuery, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(headers);
        Method = method;
        Authority = authority;
        RawPath = string.IsNullOrEmpty(rawPath) ? "/" : rawPath;
        RawQuery = rawQuery is null ? string.Empty : rawQuery.StartsWith('?') ? rawQuery[1..] : rawQuery;
        Headers = headers;
    }

    public string Method { get; }

    /// <summary>host[:port] of the request URI; used for the <c>host</c> header when the headers carry none.</summary>
    public string Authority { get; }

    /// <summary>The path as sent, e.g. <c>/prod/items/a%20b</c>.</summary>
    public string RawPath { get; }

    /// <summary>The query as sent, without the leading '?'; empty when there is none.</summary>
    public string RawQuery { get; }

    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }

    /// <summary>
    /// Splits an absolute URI string (scheme://authority/path?query) without <see cref="Uri"/>, so that
    /// the path and query stay byte-for-byte as the client sent them. A fragment is ignored.
    /// </summary>
    public static SigV4Request FromUri(string method, string uri, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var rest = uri.AsSpan();
        var hash = rest.IndexOf('#');
        if (hash >= 0)
        {
            rest = rest[..hash];
        }

        var schemeEnd = rest.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw new ArgumentException($"'{uri}' is not an absolute URI.", nameof(uri));
        }

        rest = rest[(schemeEnd + 3)..];
        var pathStart = rest.IndexOfAny('/', '?');
        var authority = pathStart < 0 ? rest : rest[..pathStart];
        rest = pathStart < 0 ? [] : rest[pathStart..];
        var queryStart = rest.IndexOf('?');
        var path = queryStart < 0 ? rest : rest[..queryStart];
        var query = queryStart < 0 ? [] : rest[(queryStart + 1)..];
        return new SigV4Request(method, authority.ToString(), path.ToString(), query.ToString(), headers);
    }

    /// <summary>The first value of a header (case-insensitive name), or null.</summary>
    public string? GetHeader(string name)
    {
        for (var i = 0; i < Headers.Count; i++)
        {
            if (string.Equals(Headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                return Headers[i].Value;
            }
        }

        return null;
    }
}
