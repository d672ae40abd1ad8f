using Ferry.Aws;
using Ferry.Aws.SigV4;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Ferry.LocalProxy.Http;

/// <summary>
/// Every request that reaches the local TLS listener, in both modes:
/// <code>
/// 1. a SigV4 signature, in the Authorization header or the query ....... else 403, empty body
/// 2. the body fits the cap (70 MB) and is read into one buffer ......... else 413
/// 3. it verifies in full with the throwaway key, in its time window .... else 403, empty body
/// 4. forward to the Ferry proxy, stream the answer back ................ (docs/aws-access.md §1.5, <see cref="UpstreamForwarder"/>)
/// </code>
/// Nothing is forwarded before step 3 passes. Every refusal is logged with its status and reason, never the
/// signature (<see cref="SigV4Verifier"/>, docs/architecture.md "Local verification").
/// </summary>
internal sealed class AwsRequestHandler
{
    private readonly AwsCredentials _credentials;
    private readonly SigV4Verifier _verifier;
    private readonly UpstreamForwarder _forwarder;
    private readonly long _maxBodySize;
    private readonly ILogger _logger;

    public AwsRequestHandler(AwsCredentials credentials, SigV4Verifier verifier, UpstreamForwarder forwarder, long maxBodySize, ILogger logger)
    {
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

        // 1. A missing or malformed signature is refused before the body is read.
        var (path, query) = SplitTarget(originTarget);
        if (!SigV4RequestSignature.TryParse(SignatureLookup(request, host, path, query), out var signature, out var failure))
        {
            Forbid(context, host, failure.Status, failure.Reason);
            return;
        }

        // 2. The body, hashed by the verifier and then sent on from the same buffer.
        if (request.ContentLength > _maxBodySize)
        {
            TooLarge(context, host);
            return;
        }

        using var body = await BufferedBody.ReadAsync(request.Body, request.ContentLength, _maxBodySize, context.RequestAborted);
        if (body is null)
        {
            TooLarge(context, host);
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
        await _forwarder.ForwardAsync(context, originTarget, host, body);
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

    private void TooLarge(HttpContext context, string host)
    {
        LocalProxyLog.BodyTooLarge(_logger, context.Request.Method, host, _maxBodySize);
        context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
        context.Response.ContentLength = 0;
    }
}
