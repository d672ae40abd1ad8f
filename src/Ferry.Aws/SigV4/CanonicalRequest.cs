using System.Text;

namespace Ferry.Aws.SigV4;

/// <summary>
/// Builds the SigV4 canonical request:
/// <code>
/// Method \n CanonicalURI \n CanonicalQueryString \n CanonicalHeaders \n SignedHeaders \n HashedPayload
/// </code>
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#create-canonical-request
/// Clients disagree on two details, so each has a spec form and an as-sent form: the verifier tries the
/// spec form first and the as-sent form only after a mismatch (see <see cref="PathForm"/>, <see cref="QueryForm"/>).
/// </summary>
internal static class CanonicalRequest
{
    /// <summary>How the canonical URI is derived from the raw path.</summary>
    internal enum PathForm
    {
        /// <summary>
        /// The spec for every service but S3: remove dot segments and empty segments (RFC 3986 §5.2.4; AWS also
        /// collapses consecutive slashes), then URI-encode the already-encoded path again (double encoding). botocore does this.
        /// </summary>
        Normalized,

        /// <summary>Double encoding without normalisation (the Go and .NET SDKs keep "a//b").</summary>
        EncodedAsSent,

        /// <summary>
        /// S3: the path exactly as sent, neither normalised nor encoded again ("Do not normalize URI paths
        /// for requests to Amazon S3"; each segment is encoded only once).
        /// </summary>
        AsSent,

        /// <summary>
        /// Signers that start from the decoded path (AWSSDK.Core's generic signer with a URI that was not strictly
        /// encoded, e.g. "/=bucket=name="): decode, encode strictly, and for services other than S3 encode again.
        /// </summary>
        Reencoded,
    }

    /// <summary>How the canonical query string is derived from the raw query.</summary>
    internal enum QueryForm
    {
        /// <summary>The spec: decode and strictly re-encode names and values, sort by name then value.</summary>
        Reencoded,

        /// <summary>botocore's: split the query as sent and sort the raw pairs.</summary>
        AsSent,
    }

    public static bool IsS3(string service) => string.Equals(service, "s3", StringComparison.Ordinal);

    public static PathForm DefaultPathForm(string service) => IsS3(service) ? PathForm.AsSent : PathForm.Normalized;

    public static void AppendUri(StringBuilder sb, string rawPath, PathForm form, bool isS3)
    {
        switch (form)
        {
            case PathForm.Reencoded when isS3:
                SigV4Encoding.Append(sb, rawPath.Length == 0 ? "/" : rawPath, decodeFirst: true, keepSlash: true);
                break;
            case PathForm.Reencoded:
                var once = new StringBuilder(rawPath.Length + 16);
                SigV4Encoding.Append(once, NormalizePath(rawPath), decodeFirst: true, keepSlash: true);
                SigV4Encoding.Append(sb, once.ToString(), decodeFirst: false, keepSlash: true);
                break;
            case PathForm.AsSent:
                sb.Append(rawPath.Length == 0 ? "/" : rawPath);
                break;
            case PathForm.EncodedAsSent:
                SigV4Encoding.Append(sb, rawPath.Length == 0 ? "/" : rawPath, decodeFirst: false, keepSlash: true);
                break;
            default:
                SigV4Encoding.Append(sb, NormalizePath(rawPath), decodeFirst: false, keepSlash: true);
                break;
        }
    }

    /// <summary>
    /// RFC 3986 §5.2.4 dot-segment removal plus AWS's removal of empty segments, keeping a leading and a
    /// trailing slash: "/a//./b/../c/" becomes "/a/c/".
    /// </summary>
    public static string NormalizePath(string path)
    {
        if (path.Length == 0)
        {
            return "/";
        }

        if (!NeedsNormalization(path))
        {
            return path;
        }

        var output = new List<string>();
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (output.Count > 0)
                {
                    output.RemoveAt(output.Count - 1);
                }
            }
            else
            {
                output.Add(segment);
            }
        }

        var first = path[0] == '/' ? "/" : string.Empty;
        var last = path[^1] == '/' && output.Count > 0 ? "/" : string.Empty;
        return first + string.Join('/', output) + last;
    }

    public static bool NeedsNormalization(string path) =>
        path.Contains("//", StringComparison.Ordinal)
        || path.Contains("/./", StringComparison.Ordinal) || path.Contains("/../", StringComparison.Ordinal)
        || path.EndsWith("/.", StringComparison.Ordinal) || path.EndsWith("/..", StringComparison.Ordinal)
        || path == "." || path == "..";

    public static void AppendQuery(StringBuilder sb, string rawQuery, QueryForm form)
    {
        if (rawQuery.Length == 0)
        {
            return;
        }

        var pairs = new List<(string Name, string Value)>();
        var scratch = new StringBuilder();
        var query = rawQuery.AsSpan();
        foreach (var range in query.Split('&'))
        {
            var pair = query[range];
            if (pair.IsEmpty && form == QueryForm.Reencoded)
            {
                continue; // "a=1&&b=2": an empty parameter has no name to sign
            }

            var eq = pair.IndexOf('=');
            var name = eq < 0 ? pair : pair[..eq];
            var value = eq < 0 ? [] : pair[(eq + 1)..];
            if (form == QueryForm.AsSent)
            {
                pairs.Add((name.ToString(), value.ToString()));
                continue;
            }

            scratch.Clear();
            SigV4Encoding.Append(scratch, name, decodeFirst: true, keepSlash: false);
            var encodedName = scratch.ToString();
            scratch.Clear();
            SigV4Encoding.Append(scratch, value, decodeFirst: true, keepSlash: false);
            pairs.Add((encodedName, scratch.ToString()));
        }

        // Sort by name, then by value, in byte (ordinal) order.
        pairs.Sort(static (a, b) =>
        {
            var byName = string.CompareOrdinal(a.Name, b.Name);
            return byName != 0 ? byName : string.CompareOrdinal(a.Value, b.Value);
        });
        for (var i = 0; i < pairs.Count; i++)
        {
            if (i > 0)
            {
                sb.Append('&');
            }

            sb.Append(pairs[i].Name).Append('=').Append(pairs[i].Value);
        }
    }

    /// <summary>
    /// Appends <c>name:value\n</c> where value is every value of the header, each trimmed with runs of
    /// whitespace collapsed to one space, joined by commas. Returns false when the header is absent.
    /// </summary>
    public static bool AppendHeader(StringBuilder sb, string lowerName, IReadOnlyList<KeyValuePair<string, string>> headers, string? fallback)
    {
        sb.Append(lowerName).Append(':');
        var found = false;
        for (var i = 0; i < headers.Count; i++)
        {
            if (!string.Equals(headers[i].Key, lowerName, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (found)
            {
                sb.Append(',');
            }

            AppendTrimmed(sb, headers[i].Value);
            found = true;
        }

        if (!found && fallback is not null)
        {
            AppendTrimmed(sb, fallback);
            found = true;
        }

        sb.Append('\n');
        return found;
    }

    public static void AppendTrimmed(StringBuilder sb, string? value)
    {
        var span = (value ?? string.Empty).AsSpan().Trim();
        var inSpace = false;
        foreach (var c in span)
        {
            if (c is ' ' or '\t' or '\r' or '\n' or '\v' or '\f')
            {
                inSpace = true;
                continue;
            }

            if (inSpace)
            {
                sb.Append(' ');
                inSpace = false;
            }

            sb.Append(c);
        }
    }
}
