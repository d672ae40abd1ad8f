using System.Diagnostics.CodeAnalysis;

namespace Ferry.Aws.SigV4;

/// <summary>
/// The parsed <c>Authorization</c> header of a SigV4 request:
/// <c>AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=5d67…</c>.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#add-signature-to-request
/// </summary>
public sealed class SigV4Authorization
{
    private SigV4Authorization(
        string accessKeyId, string date, string region, string service, IReadOnlyList<string> signedHeaders,
        string signedHeadersText, string signature)
    {
        AccessKeyId = accessKeyId;
        Date = date;
        Region = region;
        Service = service;
        SignedHeaders = signedHeaders;
        SignedHeadersText = signedHeadersText;
        Signature = signature;
        CredentialScope = $"{date}/{region}/{service}/{SigV4Constants.Terminator}";
    }

    public string AccessKeyId { get; }

    /// <summary>The credential-scope date, <c>yyyyMMdd</c>.</summary>
    public string Date { get; }

    public string Region { get; }

    /// <summary>The signing name (e.g. <c>dynamodb</c>, <c>s3</c>, <c>execute-api</c>), not the endpoint prefix.</summary>
    public string Service { get; }

    /// <summary>The signed header names, lower-case, in the order the client listed them.</summary>
    public IReadOnlyList<string> SignedHeaders { get; }

    /// <summary>The SignedHeaders value exactly as sent (it is part of the canonical request).</summary>
    public string SignedHeadersText { get; }

    public string Signature { get; }

    /// <summary><c>date/region/service/aws4_request</c>.</summary>
    public string CredentialScope { get; }

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
    /// Parses an Authorization header with the rules of the reference local proxy (docs/aws-access.md §1.4 step 1):
    /// it starts with <c>AWS4-HMAC-SHA256 </c>; it has exactly the three components Credential, SignedHeaders
    /// and Signature; the credential has five parts ending in <c>aws4_request</c>; the signature is not empty.
    /// </summary>
    public static bool TryParse(string? authorizationHeader, [NotNullWhen(true)] out SigV4Authorization? authorization)
    {
        authorization = null;
        const string prefix = SigV4Constants.Algorithm + " ";
        if (authorizationHeader is null || !authorizationHeader.StartsWith(prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var components = authorizationHeader.AsSpan(prefix.Length);
        string? credential = null, signedHeaders = null, signature = null;
        var count = 0;
        foreach (var range in components.Split(','))
        {
            var part = components[range].Trim(' ');
            if (++count > 3 || !TryTake(part, "Credential=", ref credential)
                && !TryTake(part, "SignedHeaders=", ref signedHeaders)
                && !TryTake(part, "Signature=", ref signature))
            {
                return false;
            }
        }

        if (credential is null || signedHeaders is null || string.IsNullOrEmpty(signature))
        {
            return false;
        }

        if (!TryParseCredential(credential, out var scope) || !TryParseSignedHeaders(signedHeaders, out var names))
        {
            return false;
        }

        authorization = new SigV4Authorization(scope[0], scope[1], scope[2], scope[3], names, signedHeaders, signature);
        return true;
    }

    /// <summary>
    /// <c>&lt;access key id&gt;/&lt;yyyyMMdd&gt;/&lt;region&gt;/&lt;service&gt;/aws4_request</c>: five non-empty parts, the last
    /// one <c>aws4_request</c>; <paramref name="scope"/> holds the first four. The same rule for the header and the query.
    /// </summary>
    internal static bool TryParseCredential(string credential, out string[] scope)
    {
        scope = credential.Split('/');
        return scope.Length == 5 && scope[4] == SigV4Constants.Terminator
            && scope[0].Length > 0 && scope[1].Length > 0 && scope[2].Length > 0 && scope[3].Length > 0;
    }

    /// <summary>A ';'-separated list of header names, none empty, lower-cased here.</summary>
    internal static bool TryParseSignedHeaders(string signedHeaders, out string[] names)
    {
        names = signedHeaders.Split(';');
        for (var i = 0; i < names.Length; i++)
        {
            if (names[i].Length == 0)
            {
                return false;
            }

            names[i] = names[i].ToLowerInvariant();
        }

        return true;
    }

    // Each component may appear once; a repeated or unknown component makes the header malformed.
    private static bool TryTake(ReadOnlySpan<char> part, string name, ref string? value)
    {
        if (!part.StartsWith(name, StringComparison.Ordinal) || value is not null)
        {
            return false;
        }

        value = part[name.Length..].ToString();
        return true;
    }

    public override string ToString() =>
        $"SigV4 {{ AccessKeyId = {AccessKeyId}, Scope = {CredentialScope}, SignedHeaders = {SignedHeadersText} }}";
}
