using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Ferry.Aws.SigV4;

/// <summary>
/// Verifies the SigV4 signature of a request an AWS client signed with the throwaway keys (or with
/// cached role-chaining credentials), the way the reference local proxy does (aws-access.md §1.4):
/// <list type="number">
/// <item>parse Authorization (<see cref="SigV4Authorization.TryParse"/>);</item>
/// <item>the scope's access key id must equal the expected one (constant time);</item>
/// <item>if <c>user-agent</c> is signed, stop there: proxies rewrite it;</item>
/// <item>recompute the signature over exactly the signed headers at the request's own X-Amz-Date, with
/// the payload hash of §1.4 step 3.3 and S3's single path encoding, and compare in constant time.</item>
/// </list>
/// Never throws on bad input; thread-safe; derived signing keys are cached.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
/// </summary>
public sealed class SigV4Verifier
{
    private readonly SigningKeyCache _keys;

    public SigV4Verifier()
        : this(SigningKeyCache.Shared)
    {
    }

    internal SigV4Verifier(SigningKeyCache keys)
    {
        _keys = keys;
    }

    public SigV4VerificationResult Verify(SigV4Request request, SigV4Payload payload, AwsCredentials expected)
    {
        ArgumentNullException.ThrowIfNull(request);
        var header = request.GetHeader(SigV4Constants.AuthorizationHeader);
        if (header is null)
        {
            return new(SigV4VerificationStatus.MissingAuthorization, "the request has no Authorization header", null);
        }

        if (!SigV4Authorization.TryParse(header, out var authorization))
        {
            return new(SigV4VerificationStatus.MalformedAuthorization, "the Authorization header is not a well-formed AWS4-HMAC-SHA256 header", null);
        }

        return Verify(request, payload, authorization, expected);
    }

    /// <summary>Verifies with an Authorization header already parsed (e.g. to pick the credentials by key id).</summary>
    public SigV4VerificationResult Verify(SigV4Request request, SigV4Payload payload, SigV4Authorization authorization, AwsCredentials expected)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(authorization);
        ArgumentNullException.ThrowIfNull(expected);

        if (!CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(authorization.AccessKeyId), Encoding.UTF8.GetBytes(expected.AccessKeyId)))
        {
            return new(SigV4VerificationStatus.AccessKeyMismatch, $"access key id {authorization.AccessKeyId} is not the expected one", authorization);
        }

        // §1.4 step 3.2: SDKs and proxies may rewrite User-Agent, so a recomputation would fail spuriously.
        if (authorization.IsHeaderSigned("user-agent"))
        {
            return new(SigV4VerificationStatus.ValidKeyIdOnly, "user-agent is signed: only the access key id was checked", authorization);
        }

        var amzDate = request.GetHeader(SigV4Constants.AmzDateHeader);
        if (amzDate is null)
        {
            return new(SigV4VerificationStatus.MissingDate, "the request has no X-Amz-Date header", authorization);
        }

        if (!DateTime.TryParseExact(amzDate, SigV4Constants.AmzDateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _)
            || !amzDate.StartsWith(authorization.Date, StringComparison.Ordinal))
        {
            return new(SigV4VerificationStatus.InvalidDate, $"X-Amz-Date '{amzDate}' is malformed or not on the credential scope date {authorization.Date}", authorization);
        }

        if (authorization.Signature.Length != SigV4Signature.HexLength)
        {
            return new(SigV4VerificationStatus.SignatureMismatch, "the signature is not 64 hex characters", authorization);
        }

        var tail = StringBuilderCache.Acquire(0, 256);
        var canonical = StringBuilderCache.Acquire(1);
        try
        {
            return VerifySignature(request, payload, authorization, expected, amzDate, tail, canonical);
        }
        finally
        {
            StringBuilderCache.Release(0, tail);
            StringBuilderCache.Release(1, canonical);
        }
    }

    private SigV4VerificationResult VerifySignature(
        SigV4Request request, SigV4Payload payload, SigV4Authorization authorization, AwsCredentials expected, string amzDate,
        StringBuilder tail, StringBuilder canonical)
    {
        // Canonical headers, signed header list and payload hash: the tail shared by every candidate form.
        for (var i = 0; i < authorization.SignedHeaders.Count; i++)
        {
            var name = authorization.SignedHeaders[i];
            var fallback = name == "host" ? request.Authority : null;
            if (!CanonicalRequest.AppendHeader(tail, name, request.Headers, fallback))
            {
                return new(SigV4VerificationStatus.MissingSignedHeader, $"signed header '{name}' is not in the request", authorization);
            }
        }

        tail.Append('\n').Append(authorization.SignedHeadersText).Append('\n')
            .Append(payload.Resolve(request.GetHeader(SigV4Constants.AmzContentSha256Header)));

        var signingKey = _keys.Get(expected.SecretAccessKey, authorization.Date, authorization.Region, authorization.Service);
        Span<byte> received = stackalloc byte[SigV4Signature.HexLength];
        Encoding.ASCII.GetBytes(authorization.Signature, received);
        var context = new MatchContext(request.Method, tail, canonical, signingKey, amzDate, authorization.CredentialScope);

        // The spec forms first. Only after a mismatch, the other forms where they differ: clients disagree on
        // normalising "a//b" (botocore collapses it, the .NET and Go SDKs keep it), on re-encoding a path that was
        // not strictly encoded ("/=bucket=name=") and on re-encoding the query. Each is a canonical form of the same
        // request, so accepting it does not weaken the check: the signature still needs the secret.
        var isS3 = CanonicalRequest.IsS3(authorization.Service);
        var primaryPath = BuildPath(request.RawPath, CanonicalRequest.DefaultPathForm(authorization.Service), isS3);
        var primaryQuery = BuildQuery(request.RawQuery, CanonicalRequest.QueryForm.Reencoded);
        if (context.Matches(primaryPath, primaryQuery, received))
        {
            return new(SigV4VerificationStatus.Valid, "the signature matches", authorization) { FormsTried = 1 };
        }

        var paths = new List<string>(3) { primaryPath };
        if (!isS3 && CanonicalRequest.NeedsNormalization(request.RawPath))
        {
            AddDistinct(paths, BuildPath(request.RawPath, CanonicalRequest.PathForm.EncodedAsSent, isS3));
        }

        AddDistinct(paths, BuildPath(request.RawPath, CanonicalRequest.PathForm.Reencoded, isS3));
        var queries = new List<string>(2) { primaryQuery };
        if (request.RawQuery.Length > 0)
        {
            AddDistinct(queries, BuildQuery(request.RawQuery, CanonicalRequest.QueryForm.AsSent));
        }

        var tried = 1;
        for (var p = 0; p < paths.Count; p++)
        {
            for (var q = 0; q < queries.Count; q++)
            {
                if (p == 0 && q == 0)
                {
                    continue;
                }

                tried++;
                if (context.Matches(paths[p], queries[q], received))
                {
                    return new(SigV4VerificationStatus.Valid, "the signature matches", authorization) { FormsTried = tried };
                }
            }
        }

        return new(SigV4VerificationStatus.SignatureMismatch, "the signature does not match the request", authorization) { FormsTried = tried };
    }

    private readonly ref struct MatchContext(string method, StringBuilder tail, StringBuilder canonical, SigningKey signingKey, string amzDate, string scope)
    {
        public bool Matches(string path, string query, ReadOnlySpan<byte> received)
        {
            canonical.Clear();
            canonical.Append(method).Append('\n').Append(path).Append('\n').Append(query).Append('\n').Append(tail);
            Span<byte> computed = stackalloc byte[SigV4Signature.HexLength];
            SigV4Signature.Compute(signingKey, amzDate, scope, canonical, computed);
            return CryptographicOperations.FixedTimeEquals(computed, received);
        }
    }

    private static string BuildPath(string rawPath, CanonicalRequest.PathForm form, bool isS3)
    {
        var sb = new StringBuilder(rawPath.Length + 16);
        CanonicalRequest.AppendUri(sb, rawPath, form, isS3);
        return sb.ToString();
    }

    private static string BuildQuery(string rawQuery, CanonicalRequest.QueryForm form)
    {
        var sb = new StringBuilder(rawQuery.Length + 16);
        CanonicalRequest.AppendQuery(sb, rawQuery, form);
        return sb.ToString();
    }

    private static void AddDistinct(List<string> forms, string form)
    {
        if (!forms.Contains(form))
        {
            forms.Add(form);
        }
    }
}
