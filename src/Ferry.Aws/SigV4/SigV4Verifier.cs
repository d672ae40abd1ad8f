using System.Security.Cryptography;
using System.Text;

namespace Ferry.Aws.SigV4;

/// <summary>
/// Verifies the SigV4 signature of a request an AWS client signed with the throwaway keys, in full, whether the
/// signature is in the Authorization header or in the query string (a presigned URL):
/// <list type="number">
/// <item>find and parse it (<see cref="SigV4RequestSignature.TryParse"/>);</item>
/// <item>the scope's access key id must equal the expected one (constant time);</item>
/// <item>it must be in its time window at <see cref="TimeProvider"/> now (<see cref="SigV4TimeWindow"/>);</item>
/// <item>recompute the signature over exactly the signed headers at the request's own X-Amz-Date and compare in
/// constant time. The payload hash is, for the header form, the X-Amz-Content-Sha256 literal when the client declared
/// an unsigned payload and the body's SHA-256 otherwise; for the query form UNSIGNED-PAYLOAD for S3 and the body's
/// SHA-256 otherwise, and the canonical query leaves out X-Amz-Signature.</item>
/// </list>
/// Unlike the reference local proxy, which checks only the key id then, a signed <c>user-agent</c> is verified like
/// any other header: the local proxy is the client's first hop, so nothing can have rewritten it (docs/architecture.md).
/// Never throws on bad input; thread-safe; derived signing keys are cached.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html
/// </summary>
public sealed class SigV4Verifier
{
    private readonly TimeProvider _time;
    private readonly SigningKeyCache _keys;

    public SigV4Verifier(TimeProvider? timeProvider = null)
        : this(timeProvider ?? TimeProvider.System, SigningKeyCache.Shared)
    {
    }

    internal SigV4Verifier(TimeProvider timeProvider, SigningKeyCache keys)
    {
        _time = timeProvider;
        _keys = keys;
    }

    public SigV4VerificationResult Verify(SigV4Request request, SigV4Payload payload, AwsCredentials expected)
    {
        ArgumentNullException.ThrowIfNull(request);
        return SigV4RequestSignature.TryParse(request, out var signature, out var failure)
            ? Verify(request, payload, signature, expected)
            : failure;
    }

    /// <summary>Verifies with a signature already parsed (e.g. to refuse a malformed one before reading the body).</summary>
    public SigV4VerificationResult Verify(SigV4Request request, SigV4Payload payload, SigV4RequestSignature signature, AwsCredentials expected)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(expected);

        if (!CryptographicOperations.FixedTimeEquals(
                Encoding.UTF8.GetBytes(signature.AccessKeyId), Encoding.UTF8.GetBytes(expected.AccessKeyId)))
        {
            return new(SigV4VerificationStatus.AccessKeyMismatch, $"access key id {signature.AccessKeyId} is not the expected one", signature);
        }

        if (SigV4TimeWindow.Check(signature, _time.GetUtcNow()) is { } outOfWindow)
        {
            return outOfWindow;
        }

        if (signature.Signature.Length != SigV4Signature.HexLength)
        {
            return new(SigV4VerificationStatus.SignatureMismatch, "the signature is not 64 hex characters", signature);
        }

        var tail = StringBuilderCache.Acquire(0, 256);
        var canonical = StringBuilderCache.Acquire(1);
        try
        {
            return VerifySignature(request, payload, signature, expected, tail, canonical);
        }
        finally
        {
            StringBuilderCache.Release(0, tail);
            StringBuilderCache.Release(1, canonical);
        }
    }

    private SigV4VerificationResult VerifySignature(
        SigV4Request request, SigV4Payload payload, SigV4RequestSignature signature, AwsCredentials expected, StringBuilder tail, StringBuilder canonical)
    {
        // Canonical headers, signed header list and payload hash: the tail shared by every candidate form.
        for (var i = 0; i < signature.SignedHeaders.Count; i++)
        {
            var name = signature.SignedHeaders[i];
            var fallback = name == "host" ? request.Authority : null;
            if (!CanonicalRequest.AppendHeader(tail, name, request.Headers, fallback))
            {
                return new(SigV4VerificationStatus.MissingSignedHeader, $"signed header '{name}' is not in the request", signature);
            }
        }

        var isS3 = CanonicalRequest.IsS3(signature.Service);
        var presigned = signature.Location == SigV4SignatureLocation.Query;
        tail.Append('\n').Append(signature.SignedHeadersText).Append('\n')
            .Append(presigned && isS3 ? SigV4Constants.UnsignedPayload : payload.Resolve(request.GetHeader(SigV4Constants.AmzContentSha256Header)));

        var signingKey = _keys.Get(expected.SecretAccessKey, signature.Date, signature.Region, signature.Service);
        Span<byte> received = stackalloc byte[SigV4Signature.HexLength];
        Encoding.ASCII.GetBytes(signature.Signature, received);
        var context = new MatchContext(request.Method, tail, canonical, signingKey, signature.AmzDate, signature.CredentialScope);

        // The query as signed: a presigned request's signature cannot cover itself (S3 document, "Canonical Query String").
        var rawQuery = presigned ? SigV4QueryParameters.WithoutSignature(request.RawQuery) : request.RawQuery;

        // The spec forms first. Only after a mismatch, the other forms where they differ: clients disagree on
        // normalising "a//b" (botocore collapses it, the .NET and Go SDKs keep it), on re-encoding a path that was
        // not strictly encoded ("/=bucket=name=") and on re-encoding the query. Each is a canonical form of the same
        // request, so accepting it does not weaken the check: the signature still needs the secret.
        var primaryPath = BuildPath(request.RawPath, CanonicalRequest.DefaultPathForm(signature.Service), isS3);
        var primaryQuery = BuildQuery(rawQuery, CanonicalRequest.QueryForm.Reencoded);
        if (context.Matches(primaryPath, primaryQuery, received))
        {
            return new(SigV4VerificationStatus.Valid, "the signature matches", signature) { FormsTried = 1 };
        }

        var paths = new List<string>(3) { primaryPath };
        if (!isS3 && CanonicalRequest.NeedsNormalization(request.RawPath))
        {
            AddDistinct(paths, BuildPath(request.RawPath, CanonicalRequest.PathForm.EncodedAsSent, isS3));
        }

        AddDistinct(paths, BuildPath(request.RawPath, CanonicalRequest.PathForm.Reencoded, isS3));
        var queries = new List<string>(2) { primaryQuery };
        if (rawQuery.Length > 0)
        {
            AddDistinct(queries, BuildQuery(rawQuery, CanonicalRequest.QueryForm.AsSent));
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
                    return new(SigV4VerificationStatus.Valid, "the signature matches", signature) { FormsTried = tried };
                }
            }
        }

        return new(SigV4VerificationStatus.SignatureMismatch, "the signature does not match the request", signature) { FormsTried = tried };
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
