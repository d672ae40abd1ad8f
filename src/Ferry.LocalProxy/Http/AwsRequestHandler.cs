using Ferry.Aws;
using Ferry.Aws.Errors;
using Ferry.Aws.SigV2;
using Ferry.Aws.SigV4;
using Ferry.Aws.SigV4.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Ferry.LocalProxy.Http;

/// <summary>
/// Every request that reaches the local TLS listener, in both modes:
/// <code>
/// 1. a SigV4 signature, in the Authorization header or the query ....... else 403, empty body
/// 2. a hashed body fits the cap (70 MB) and is read into one buffer .... else 413
///    (an unsigned or chunk-signed body streams, up to 5 GiB: <see cref="AwsBodyLimits"/>)
/// 3. it verifies in full with the throwaway key, in its time window .... else 403, empty body
///    (a chunk-signed body chunk by chunk as it streams: <see cref="AwsChunkedStream"/>)
/// 4. forward to the Ferry proxy, stream the answer back ................ (docs/aws-access.md §1.5, <see cref="UpstreamForwarder"/>)
/// </code>
/// Nothing is forwarded before step 3 passes (for a chunk-signed body: before its first chunk verifies; a later
/// chunk that fails aborts the forwarded request before its end). Every refusal is logged with its status and reason, never the
/// signature (<see cref="SigV4Verifier"/>, docs/architecture.md "Local verification").
/// </summary>
internal sealed class AwsRequestHandler
{
    private readonly AwsCredentials _credentials;
    private readonly SigV4Verifier _verifier;
    private readonly UpstreamForwarder _forwarder;
    private readonly long _maxBodySize;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;

    public AwsRequestHandler(AwsCredentials credentials, SigV4Verifier verifier, UpstreamForwarder forwarder, long maxBodySize, ILogger logger, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _credentials = credentials;
        _verifier = verifier;
        _forwarder = forwarder;
        _maxBodySize = maxBodySize;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        var host = request.Headers.Host.ToString();
        var rawTarget = context.Features.Get<IHttpRequestFeature>()!.RawTarget;
        if (!TryGetOriginForm(rawTarget, out var originTarget))
        {
            LocalProxyLog.BadTarget(_logger, rawTarget);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        // 1. A missing or malformed signature is refused before the body is read; SigV4a with a message naming it.
        var (path, query) = SplitTarget(originTarget);
        if (SigV4a.IsUsedBy(request.Headers.Authorization.ToString(), query, request.Headers[SigV4Constants.AmzContentSha256Header].ToString()))
        {
            await RefuseSigV4aAsync(context, host, query);
            return;
        }

        if (request.Headers.Authorization.Count == 0 && SigV2PresignedUrl.IsPresent(query) && !SigV4QueryParameters.ClaimsSignature(query!))
        {
            await HandleSigV2PresignedAsync(context, host, path, query!);
            return;
        }

        if (!SigV4RequestSignature.TryParse(SignatureLookup(request, host, path, query), out var signature, out var failure))
        {
            Forbid(context, host, failure.Status, failure.Reason);
            return;
        }

        // 2. A declared payload literal (unsigned or chunk-signed) streams; a hashed body is read whole and hashed.
        var contentSha256 = request.Headers[SigV4Constants.AmzContentSha256Header];
        if (contentSha256.Count > 1)
        {
            Forbid(context, host, SigV4VerificationStatus.MalformedAuthorization, "X-Amz-Content-Sha256 appears more than once");
            return;
        }

        if (AwsBodyLimits.Streams(contentSha256.ToString()))
        {
            await HandleStreamedAsync(context, signature, host, path, query, originTarget, contentSha256.ToString());
            return;
        }

        if (request.ContentLength > _maxBodySize)
        {
            TooLarge(context, host, _maxBodySize);
            return;
        }

        using var body = await BufferedBody.ReadAsync(request.Body, request.ContentLength, _maxBodySize, context.RequestAborted);
        if (body is null)
        {
            TooLarge(context, host, _maxBodySize);
            return;
        }

        // 3. Verify over exactly the signed headers, user-agent included: this is the client's first hop.
        var result = _verifier.Verify(BuildSigV4Request(request, signature, host, path, query), SigV4Payload.FromBody(body.Memory), signature, _credentials);
        if (!result.IsValid)
        {
            Forbid(context, host, result.Status, result.Reason);
            return;
        }

        // 4. Forward.
        await _forwarder.ForwardAsync(context, originTarget, host, new ByteArrayContent(body.Array, 0, body.Length), body.Length > 0);
    }

    /// <summary>
    /// UNSIGNED-PAYLOAD and STREAMING-UNSIGNED-PAYLOAD-TRAILER bodies pass as sent; a chunk-signed body
    /// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]) is verified chunk by chunk as it streams, its first chunk before
    /// anything is forwarded. A chunk that fails later aborts the request on its way, so AWS never receives it whole.
    /// </summary>
    private async Task HandleStreamedAsync(HttpContext context, SigV4RequestSignature signature, string host, string path, string? query, string originTarget, string contentSha256)
    {
        var request = context.Request;
        if (request.ContentLength > AwsBodyLimits.MaxStreamedBytes)
        {
            TooLarge(context, host, AwsBodyLimits.MaxStreamedBytes);
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = AwsBodyLimits.MaxStreamedBytes; // a body without Content-Length too
        }

        var result = _verifier.Verify(BuildSigV4Request(request, signature, host, path, query), SigV4Payload.FromHash(contentSha256), signature, _credentials);
        if (!result.IsValid)
        {
            Forbid(context, host, result.Status, result.Reason);
            return;
        }

        Stream body = request.Body;
        AwsChunkedStream? chunked = null;
        if (contentSha256 is SigV4Constants.StreamingSignedPayload or SigV4Constants.StreamingSignedPayloadTrailer)
        {
            if (!TryGetDecodedLength(request, out var decodedLength))
            {
                Forbid(context, host, SigV4VerificationStatus.MalformedAuthorization, "X-Amz-Decoded-Content-Length is not a single non-negative number");
                return;
            }

            chunked = AwsChunkedStream.Verifying(request.Body, ChunkSignatureChain.ForVerified(signature, _credentials),
                trailer: contentSha256 == SigV4Constants.StreamingSignedPayloadTrailer, decodedLength);
            try
            {
                await chunked.PrimeAsync(context.RequestAborted);
            }
            catch (AwsChunkedException e)
            {
                await chunked.DisposeAsync();
                Forbid(context, host, SigV4VerificationStatus.SignatureMismatch, e.Message);
                return;
            }

            body = chunked;
        }

        await using (chunked)
        {
            var content = new StreamContent(body);
            content.Headers.ContentLength = request.ContentLength; // the framing is kept byte for byte; S3 wants the length
            await _forwarder.ForwardAsync(context, originTarget, host, content, hasBody: false); // the forwarder sends it when the client framed one
        }
    }

    /// <summary>
    /// An S3 URL presigned with SigV2 (boto3's default): verified here with the throwaway key, then sent on as what
    /// every later hop reads, a SigV4 request signed with the same key (header form, UNSIGNED-PAYLOAD) without the
    /// SigV2 parameters. The region comes from the host (us-east-1 for the global endpoint and for endpoint-URL mode).
    /// </summary>
    private async Task HandleSigV2PresignedAsync(HttpContext context, string host, string path, string query)
    {
        var request = context.Request;
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, values) in request.Headers)
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value ?? string.Empty));
            }
        }

        if (!SigV2PresignedUrl.TryVerify(request.Method, host, path, query, headers, _credentials, _time.GetUtcNow(), out var operationQuery, out var reason))
        {
            Forbid(context, host, reason.Contains("expired", StringComparison.Ordinal) ? SigV4VerificationStatus.Expired : SigV4VerificationStatus.SignatureMismatch, reason);
            return;
        }

        var toSign = headers.Where(h => h.Key.StartsWith("x-amz-", StringComparison.OrdinalIgnoreCase)
                || h.Key.Equals("Content-Type", StringComparison.OrdinalIgnoreCase) || h.Key.Equals("Content-MD5", StringComparison.OrdinalIgnoreCase))
            .Append(new(SigV4Constants.AmzContentSha256Header, SigV4Constants.UnsignedPayload)).ToList();
        var signed = new SigV4Resigner(_time).Resign(new SigV4Request(request.Method, host, path, operationQuery, toSign), SigV4Payload.Unsigned,
            [.. toSign.Select(h => h.Key.ToLowerInvariant()), "host"], SigV2PresignedUrl.RegionOf(host), "s3", _credentials);
        foreach (var (name, value) in signed.Headers)
        {
            if (!name.Equals("Host", StringComparison.OrdinalIgnoreCase))
            {
                request.Headers[name] = value;
            }
        }

        var content = new StreamContent(request.Body);
        content.Headers.ContentLength = request.ContentLength;
        await _forwarder.ForwardAsync(context, operationQuery.Length == 0 ? path : path + "?" + operationQuery, host, content, hasBody: false);
    }

    /// <summary>X-Amz-Decoded-Content-Length when sent (S3 requires it; the chunks must add up to it).</summary>
    private static bool TryGetDecodedLength(HttpRequest request, out long? decodedLength)
    {
        decodedLength = null;
        var values = request.Headers["X-Amz-Decoded-Content-Length"];
        if (values.Count == 0)
        {
            return true;
        }

        if (values.Count == 1 && long.TryParse(values.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            decodedLength = parsed;
            return true;
        }

        return false;
    }

    /// <summary>What <see cref="SigV4RequestSignature.TryParse"/> reads: every Authorization and X-Amz-Date value, and the query.</summary>
    private static SigV4Request SignatureLookup(HttpRequest request, string host, string path, string? query)
    {
        var headers = new List<KeyValuePair<string, string>>(2);
        AddAll(headers, request.Headers, SigV4Constants.AuthorizationHeader);
        AddAll(headers, request.Headers, SigV4Constants.AmzDateHeader);
        return new SigV4Request(request.Method, host, path, query, headers);
    }

    /// <summary>Only the headers the verifier reads: the signed ones and the date and payload-hash headers.</summary>
    private static SigV4Request BuildSigV4Request(HttpRequest request, SigV4RequestSignature signature, string host, string path, string? query)
    {
        var signed = signature.SignedHeaders;
        var headers = new List<KeyValuePair<string, string>>(signed.Count + 2);
        for (var i = 0; i < signed.Count; i++)
        {
            AddAll(headers, request.Headers, signed[i]);
        }

        if (!signature.IsHeaderSigned("x-amz-content-sha256"))
        {
            AddAll(headers, request.Headers, SigV4Constants.AmzContentSha256Header);
        }

        return new SigV4Request(request.Method, host, path, query, headers);
    }

    private static (string Path, string? Query) SplitTarget(string originTarget)
    {
        var query = originTarget.IndexOf('?', StringComparison.Ordinal);
        return query < 0 ? (originTarget, null) : (originTarget[..query], originTarget[(query + 1)..]);
    }

    private static void AddAll(List<KeyValuePair<string, string>> headers, IHeaderDictionary source, string name)
    {
        if (source.TryGetValue(name, out var values))
        {
            foreach (var value in values)
            {
                headers.Add(new(name, value ?? string.Empty));
            }
        }
    }

    /// <summary>The path and query as sent: origin-form as is, absolute-form (RFC 9112 §3.2.2) without scheme and authority.</summary>
    private static bool TryGetOriginForm(string rawTarget, out string originTarget)
    {
        if (rawTarget.StartsWith('/'))
        {
            originTarget = rawTarget;
            return true;
        }

        var scheme = rawTarget.IndexOf("://", StringComparison.Ordinal);
        if (scheme > 0)
        {
            var path = rawTarget.IndexOfAny(['/', '?'], scheme + 3);
            originTarget = path < 0 ? "/" : rawTarget[path] == '?' ? "/" + rawTarget[path..] : rawTarget[path..];
            return true;
        }

        originTarget = string.Empty;
        return false;
    }

    /// <summary>Every local signature failure is a 403 with an empty body, and a log line naming the reason.</summary>
    private void Forbid(HttpContext context, string host, SigV4VerificationStatus status, string reason)
    {
        LocalProxyLog.SignatureRejected(_logger, context.Request.Method, host, status, reason);
        context.Response.StatusCode = StatusCodes.Status403Forbidden;
        context.Response.ContentLength = 0;
    }

    /// <summary>SigV4a is not a bad signature but an unsupported one: the client's protocol gets an error that says so.</summary>
    private async Task RefuseSigV4aAsync(HttpContext context, string host, string? query)
    {
        var request = context.Request;
        LocalProxyLog.SigV4aRefused(_logger, request.Method, host);
        var protocol = AwsErrorWriter.DetectProtocol(SigV4a.Service(request.Headers.Authorization.ToString()), request.ContentType, request.Headers["X-Amz-Target"].ToString(), query);
        var error = AwsErrorWriter.Create(protocol, StatusCodes.Status400BadRequest, protocol is AwsProtocol.Json or AwsProtocol.RestJson ? "NotImplementedException" : "NotImplemented", SigV4a.Refusal);
        context.Response.StatusCode = error.StatusCode;
        context.Response.ContentType = error.ContentType;
        foreach (var (name, value) in error.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await context.Response.Body.WriteAsync(error.Body, context.RequestAborted);
    }

    private void TooLarge(HttpContext context, string host, long limit)
    {
        LocalProxyLog.BodyTooLarge(_logger, context.Request.Method, host, limit);
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentLength = 0;
    }
}
