using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Ferry.Aws.SigV4;

/// <summary>
/// The SigV4 signature a request carries, wherever it carries it (<see cref="SigV4SignatureLocation"/>): who signed
/// (the access key id), for what (the credential scope), over which headers, when, and the signature itself. The
/// local proxy verifies it (<see cref="SigV4Verifier"/>); the agent reads the scope and the signed headers to re-sign.
/// <code>
/// header: Authorization: AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=…
///         X-Amz-Date: 20150830T123600Z
/// query:  ?X-Amz-Algorithm=AWS4-HMAC-SHA256&amp;X-Amz-Credential=AKID%2F20150830%2Fus-east-1%2Fs3%2Faws4_request
///          &amp;X-Amz-Date=20150830T123600Z&amp;X-Amz-Expires=86400&amp;X-Amz-SignedHeaders=host&amp;X-Amz-Signature=…
/// </code>
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#add-signature-to-request
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
/// </summary>
public sealed class SigV4RequestSignature
{
    /// <summary>X-Amz-Expires must be between 1 second and 7 days (604800 s), per the S3 query-string document.</summary>
    public const int MaxExpiresSeconds = 604_800;

    private SigV4RequestSignature(
        SigV4SignatureLocation location, string accessKeyId, string date, string region, string service,
        IReadOnlyList<string> signedHeaders, string signedHeadersText, string signature, string amzDate, DateTimeOffset signedAt, TimeSpan? expires)
    {
        Location = location;
        AccessKeyId = accessKeyId;
        Date = date;
        Region = region;
        Service = service;
        SignedHeaders = signedHeaders;
        SignedHeadersText = signedHeadersText;
        Signature = signature;
        AmzDate = amzDate;
        SignedAt = signedAt;
        Expires = expires;
        CredentialScope = $"{date}/{region}/{service}/{SigV4Constants.Terminator}";
    }

    public SigV4SignatureLocation Location { get; }

    public string AccessKeyId { get; }

    /// <summary>The credential-scope date, <c>yyyyMMdd</c>.</summary>
    public string Date { get; }

    public string Region { get; }

    /// <summary>The signing name (e.g. <c>dynamodb</c>, <c>s3</c>, <c>execute-api</c>), not the endpoint prefix.</summary>
    public string Service { get; }

    /// <summary><c>date/region/service/aws4_request</c>.</summary>
    public string CredentialScope { get; }

    /// <summary>The signed header names, lower-case, in the order the client listed them.</summary>
    public IReadOnlyList<string> SignedHeaders { get; }

    /// <summary>The SignedHeaders value exactly as signed (it is part of the canonical request).</summary>
    public string SignedHeadersText { get; }

    /// <summary>The hex signature as received. Never logged.</summary>
    public string Signature { get; }

    /// <summary>The X-Amz-Date value (header or query parameter) exactly as sent: the string to sign holds it.</summary>
    public string AmzDate { get; }

    /// <summary><see cref="AmzDate"/> as a time.</summary>
    public DateTimeOffset SignedAt { get; }

    /// <summary>X-Amz-Expires of a presigned request; null for the header form.</summary>
    public TimeSpan? Expires { get; }

    public bool IsHeaderSigned(string lowerCaseName)
    {
        for (var i = 0; i < SignedHeaders.Count; i++)
        {
            if (string.Equals(SignedHeaders[i], lowerCaseName, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Finds and parses the request's signature. Never throws on bad input. On failure <paramref name="failure"/>
    /// names what is wrong; <see cref="SigV4VerificationStatus.MissingAuthorization"/> means the request does not
    /// claim to be signed at all (the agent's cue for the browser console flow).
    /// <list type="bullet">
    /// <item>an Authorization header and signing query parameters together: refused, as AWS refuses more than one
    /// authentication mechanism in a request;</item>
    /// <item>header form: one well-formed Authorization header (<see cref="SigV4Authorization.TryParse"/>) and one X-Amz-Date;</item>
    /// <item>query form: each of <see cref="SigV4QueryParameters.Required"/> exactly once, the algorithm AWS4-HMAC-SHA256,
    /// the same credential and signed-header rules as the header, X-Amz-Expires a whole number of seconds in 1..604800;</item>
    /// <item>both: X-Amz-Date in ISO 8601 basic format and on the credential scope's date
    /// (https://docs.aws.amazon.com/general/latest/gr/sigv4-date-handling.html).</item>
    /// </list>
    /// </summary>
    public static bool TryParse(
        SigV4Request request, [NotNullWhen(true)] out SigV4RequestSignature? signature, [NotNullWhen(false)] out SigV4VerificationResult? failure)
    {
        ArgumentNullException.ThrowIfNull(request);
        signature = null;
        var authorizations = Count(request.Headers, SigV4Constants.AuthorizationHeader);
        var inQuery = SigV4QueryParameters.ClaimsSignature(request.RawQuery);
        if (authorizations > 0 && inQuery)
        {
            failure = Fail(SigV4VerificationStatus.ConflictingSignatures,
                "the request carries both an Authorization header and X-Amz-Algorithm/X-Amz-Credential/X-Amz-Signature query parameters");
            return false;
        }

        if (authorizations == 0 && !inQuery)
        {
            failure = Fail(SigV4VerificationStatus.MissingAuthorization, "the request has neither an Authorization header nor X-Amz-* signing query parameters");
            return false;
        }

        return inQuery ? TryParseQuery(request.RawQuery, out signature, out failure) : TryParseHeader(request, authorizations, out signature, out failure);
    }

    private static bool TryParseHeader(
        SigV4Request request, int authorizations, [NotNullWhen(true)] out SigV4RequestSignature? signature, [NotNullWhen(false)] out SigV4VerificationResult? failure)
    {
        signature = null;
        if (authorizations > 1 || !SigV4Authorization.TryParse(request.GetHeader(SigV4Constants.AuthorizationHeader), out var header))
        {
            failure = Fail(SigV4VerificationStatus.MalformedAuthorization, "the request carries no single well-formed AWS4-HMAC-SHA256 Authorization header");
            return false;
        }

        var dates = Count(request.Headers, SigV4Constants.AmzDateHeader);
        if (dates == 0)
        {
            failure = Fail(SigV4VerificationStatus.MissingDate, "the request has no X-Amz-Date header");
            return false;
        }

        var amzDate = request.GetHeader(SigV4Constants.AmzDateHeader)!;
        if (dates > 1 || !TryParseDate(amzDate, header.Date, out var signedAt))
        {
            failure = Fail(SigV4VerificationStatus.InvalidDate, dates > 1
                ? "the request has more than one X-Amz-Date header"
                : $"X-Amz-Date '{amzDate}' is malformed or not on the credential scope date {header.Date}");
            return false;
        }

        signature = new SigV4RequestSignature(SigV4SignatureLocation.Header, header.AccessKeyId, header.Date, header.Region, header.Service,
            header.SignedHeaders, header.SignedHeadersText, header.Signature, amzDate, signedAt, expires: null);
        failure = null;
        return true;
    }

    private static bool TryParseQuery(
        string rawQuery, [NotNullWhen(true)] out SigV4RequestSignature? signature, [NotNullWhen(false)] out SigV4VerificationResult? failure)
    {
        signature = null;
        if (!SigV4QueryParameters.TryCollect(rawQuery, out var values, out var repeated))
        {
            failure = Fail(SigV4VerificationStatus.MalformedPresignedQuery, $"the query parameter {repeated} appears more than once");
            return false;
        }

        foreach (var name in SigV4QueryParameters.Required)
        {
            if (!values.TryGetValue(name, out var value) || value.Length == 0)
            {
                failure = Fail(SigV4VerificationStatus.MalformedPresignedQuery, $"the presigned request has no {name} query parameter");
                return false;
            }
        }

        var algorithm = values[SigV4QueryParameters.Algorithm];
        if (algorithm != SigV4Constants.Algorithm)
        {
            failure = Fail(SigV4VerificationStatus.MalformedPresignedQuery, $"X-Amz-Algorithm '{algorithm}' is not {SigV4Constants.Algorithm}");
            return false;
        }

        var signedHeadersText = values[SigV4QueryParameters.SignedHeaders];
        if (!SigV4Authorization.TryParseCredential(values[SigV4QueryParameters.Credential], out var scope)
            || !SigV4Authorization.TryParseSignedHeaders(signedHeadersText, out var names))
        {
            failure = Fail(SigV4VerificationStatus.MalformedPresignedQuery, "X-Amz-Credential or X-Amz-SignedHeaders is malformed");
            return false;
        }

        var amzDate = values[SigV4QueryParameters.Date];
        if (!TryParseDate(amzDate, scope[1], out var signedAt))
        {
            failure = Fail(SigV4VerificationStatus.InvalidDate, $"X-Amz-Date '{amzDate}' is malformed or not on the credential scope date {scope[1]}");
            return false;
        }

        var expiresText = values[SigV4QueryParameters.Expires];
        if (!IsDigits(expiresText) || !int.TryParse(expiresText, NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || expires is < 1 or > MaxExpiresSeconds)
        {
            failure = Fail(SigV4VerificationStatus.InvalidExpires, $"X-Amz-Expires '{expiresText}' is not a number of seconds from 1 to {MaxExpiresSeconds}");
            return false;
        }

        signature = new SigV4RequestSignature(SigV4SignatureLocation.Query, scope[0], scope[1], scope[2], scope[3],
            names, signedHeadersText, values[SigV4QueryParameters.Signature], amzDate, signedAt, TimeSpan.FromSeconds(expires));
        failure = null;
        return true;
    }

    private static bool TryParseDate(string amzDate, string scopeDate, out DateTimeOffset signedAt)
    {
        signedAt = default;
        if (!DateTime.TryParseExact(amzDate, SigV4Constants.AmzDateFormat, CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            || !amzDate.StartsWith(scopeDate, StringComparison.Ordinal))
        {
            return false;
        }

        signedAt = new DateTimeOffset(parsed, TimeSpan.Zero);
        return true;
    }

    private static bool IsDigits(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return value.Length is > 0 and <= 9;
    }

    private static int Count(IReadOnlyList<KeyValuePair<string, string>> headers, string name)
    {
        var count = 0;
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Key, name, StringComparison.OrdinalIgnoreCase))
            {
                count++;
            }
        }

        return count;
    }

    private static SigV4VerificationResult Fail(SigV4VerificationStatus status, string reason) => new(status, reason, null);

    public override string ToString() =>
        $"SigV4 {{ Location = {Location}, AccessKeyId = {AccessKeyId}, Scope = {CredentialScope}, SignedHeaders = {SignedHeadersText}, AmzDate = {AmzDate} }}";
}
