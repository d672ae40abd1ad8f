using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Ferry.Aws.Endpoints;

namespace Ferry.Aws.SigV2;

/// <summary>
/// S3's legacy query-string authentication (Signature Version 2), still what boto3's <c>generate_presigned_url</c>
/// produces by default: <c>?AWSAccessKeyId=AKID&amp;Signature=BASE64&amp;Expires=EPOCH</c>.
/// <code>
/// StringToSign = METHOD \n Content-MD5 \n Content-Type \n Expires \n CanonicalizedAmzHeaders CanonicalizedResource
/// Signature    = Base64(HMAC-SHA1(secret, StringToSign))
/// </code>
/// CanonicalizedAmzHeaders: every x-amz-* header (and x-amz-* query parameter), lower-case, sorted, "name:value\n";
/// CanonicalizedResource: "/bucket/key" as sent (the bucket from a virtual host put first) and the sub-resources of
/// the query (acl, versionId, response-*, ...), sorted, values decoded.
/// https://docs.aws.amazon.com/AmazonS3/latest/userguide/RESTAuthentication.html#RESTAuthenticationQueryStringAuth
/// Only the local proxy reads it: it verifies the URL with the throwaway key and sends the request on signed with
/// SigV4, so nothing past it sees SigV2. Hand-written: no .NET library verifies SigV2 (the AWS SDK dropped it).
/// </summary>
public static partial class SigV2PresignedUrl
{
    public const string AccessKeyIdParameter = "AWSAccessKeyId";
    public const string SignatureParameter = "Signature";
    public const string ExpiresParameter = "Expires";

    /// <summary>As for SigV4 presigned URLs: a URL that outlives a week is refused (AWS's own SigV4 bound).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(7);

    // botocore's list of the query parameters that are part of the resource (HmacV1Auth.QSAOfInterest).
    private static readonly HashSet<string> SubResources = new(StringComparer.Ordinal)
    {
        "accelerate", "acl", "analytics", "cors", "defaultObjectAcl", "delete", "inventory", "lifecycle", "location", "logging",
        "metrics", "notification", "object-lock", "partNumber", "policy", "replication", "requestPayment", "response-cache-control",
        "response-content-disposition", "response-content-encoding", "response-content-language", "response-content-type",
        "response-expires", "restore", "select", "select-type", "storageClass", "tagging", "torrent", "uploadId", "uploads",
        "versionId", "versioning", "versions", "website",
    };

    /// <summary>True when the query carries SigV2's three parameters (the request claims to be presigned with SigV2).</summary>
    public static bool IsPresent(string? rawQuery) =>
        rawQuery is { Length: > 0 }
        && Has(rawQuery, AccessKeyIdParameter) && Has(rawQuery, SignatureParameter) && Has(rawQuery, ExpiresParameter);

    /// <summary>
    /// Verifies the URL's signature with <paramref name="expected"/>'s secret at <paramref name="now"/>. On success
    /// <paramref name="operationQuery"/> is the query without the three signing parameters, as sent otherwise.
    /// <paramref name="failure"/> says what is wrong, never the signature.
    /// </summary>
    public static bool TryVerify(
        string method, string host, string rawPath, string rawQuery, IReadOnlyList<KeyValuePair<string, string>> headers,
        AwsCredentials expected, DateTimeOffset now, out string operationQuery, out string failure)
    {
        operationQuery = string.Empty;
        var pairs = Pairs(rawQuery);
        string? Single(string name)
        {
            var values = pairs.Where(p => p.Name == name).ToList();
            return values.Count == 1 ? values[0].Value : null;
        }

        var accessKey = Single(AccessKeyIdParameter);
        var signatureText = Single(SignatureParameter);
        var expiresText = Single(ExpiresParameter);
        if (accessKey is null || signatureText is null || expiresText is null)
        {
            failure = "the SigV2 presigned URL must carry AWSAccessKeyId, Signature and Expires exactly once";
            return false;
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(accessKey), Encoding.UTF8.GetBytes(expected.AccessKeyId)))
        {
            failure = $"access key id {accessKey} is not the expected one";
            return false;
        }

        if (!long.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires) || expires > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
        {
            failure = "Expires is not a number of seconds since 1970";
            return false;
        }

        var expiry = DateTimeOffset.FromUnixTimeSeconds(expires);
        if (expiry <= now)
        {
            failure = $"the presigned URL expired at {expiry:u}";
            return false;
        }

        if (expiry - now > MaxLifetime)
        {
            failure = $"the presigned URL expires at {expiry:u}, more than 7 days from now";
            return false;
        }

        byte[] received;
        try
        {
            received = Convert.FromBase64String(signatureText);
        }
        catch (FormatException)
        {
            failure = "Signature is not base64";
            return false;
        }

        var stringToSign = StringToSign(method, host, rawPath, pairs, headers, expiresText);
        var computed = HMACSHA1.HashData(Encoding.UTF8.GetBytes(expected.SecretAccessKey), Encoding.UTF8.GetBytes(stringToSign));
        if (!CryptographicOperations.FixedTimeEquals(computed, received))
        {
            failure = "the SigV2 signature does not match the request";
            return false;
        }

        operationQuery = string.Join('&', rawQuery.Split('&').Where(p => !IsSigningParameter(Decode(p.Split('=', 2)[0]))));
        failure = string.Empty;
        return true;
    }

    /// <summary>The region of an S3 host name (<c>s3.eu-west-1.amazonaws.com</c>, <c>b.s3-us-west-2…</c>); us-east-1 for the global <c>s3.amazonaws.com</c> and non-AWS hosts.</summary>
    public static string RegionOf(string host)
    {
        foreach (var label in host.ToLowerInvariant().Split(':')[0].Split('.'))
        {
            var candidate = label.StartsWith("s3-", StringComparison.Ordinal) ? label[3..] : label;
            if (RegionName().IsMatch(candidate))
            {
                return candidate;
            }
        }

        return "us-east-1";
    }

    private static string StringToSign(
        string method, string host, string rawPath, List<(string Name, string Value, bool HasValue)> pairs, IReadOnlyList<KeyValuePair<string, string>> headers, string expires)
    {
        string Header(string name) => string.Join(',', headers.Where(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value.Trim()));

        var amz = headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase))
            .Select(h => (Name: h.Key.ToLowerInvariant(), Value: h.Value.Trim()))
            .Concat(pairs.Where(p => p.Name.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)).Select(p => (Name: p.Name.ToLowerInvariant(), Value: p.Value.Trim())))
            .GroupBy(h => h.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{g.Key}:{string.Join(',', g.Select(h => h.Value))}\n");

        var text = new StringBuilder();
        text.Append(method).Append('\n').Append(Header("Content-MD5")).Append('\n').Append(Header("Content-Type")).Append('\n').Append(expires).Append('\n');
        foreach (var line in amz)
        {
            text.Append(line);
        }

        var bucket = S3VirtualHost.Bucket(host);
        text.Append(bucket is null ? (rawPath.Length == 0 ? "/" : rawPath) : S3VirtualHost.PathStyle(bucket, rawPath));
        var sub = pairs.Where(p => SubResources.Contains(p.Name)).OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        if (sub.Count > 0)
        {
            text.Append('?').AppendJoin('&', sub.Select(p => p.HasValue ? p.Name + "=" + p.Value : p.Name));
        }

        return text.ToString();
    }

    private static List<(string Name, string Value, bool HasValue)> Pairs(string rawQuery) =>
        [.. rawQuery.Split('&', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            return eq < 0 ? (Decode(pair), string.Empty, false) : (Decode(pair[..eq]), Decode(pair[(eq + 1)..]), true);
        })];

    private static bool Has(string rawQuery, string name) =>
        rawQuery.StartsWith(name + "=", StringComparison.Ordinal) || rawQuery.Contains("&" + name + "=", StringComparison.Ordinal);

    private static bool IsSigningParameter(string name) => name is AccessKeyIdParameter or SignatureParameter or ExpiresParameter;

    private static string Decode(string component) => SigV4.SigV4QueryParameters.Decode(component);

    [System.Text.RegularExpressions.GeneratedRegex(@"^[a-z]{2}(-[a-z]+)+-\d+$")]
    private static partial System.Text.RegularExpressions.Regex RegionName();
}
