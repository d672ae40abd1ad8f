using Ferry.Aws;
using Ferry.Aws.SigV4;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace Ferry.LocalProxy.Http;

/// <summary>
/// Every request that reaches the local TLS listener, in both modes:
/// <code>
/// 1. Authorization is a well-formed AWS4-HMAC-SHA256 header ............ else 403, empty body (§1.4 step 1)
/// 2. the body fits the cap (70 MB) and is read into one buffer ......... else 413
/// 3. the signature verifies with the throwaway key ..................... else 403, empty body (§1.4 step 3)
/// 4. forward to the Ferry proxy, stream the answer back ................ (§1.5, <see cref="UpstreamForwarder"/>)
/// </code>
/// Nothing is forwarded before step 3 passes.
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

        // 1. A missing or malformed Authorization is refused before the body is read.
        var authorizationValues = request.Headers.Authorization;
        if (authorizationValues.Count != 1 || !SigV4Authorization.TryParse(authorizationValues.ToString(), out var authorization))
        {
            var status = authorizationValues.Count == 0 ? SigV4VerificationStatus.MissingAuthorization : SigV4VerificationStatus.MalformedAuthorization;
            Forbid(context, host, status, "the request carries no single well-formed AWS4-HMAC-SHA256 Authorization header");
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

        // 3. Verify over exactly the signed headers (the verifier also applies the user-agent rule).
        var result = _verifier.Verify(BuildSigV4Request(request, authorization, host, originTarget), SigV4Payload.FromBody(body.Memory), authorization, _credentials);
        if (!result.IsValid)
        {
            Forbid(context, host, result.Status, result.Reason);
            return;
        }

        // 4. Forward.
        await _forwarder.ForwardAsync(context, originTarget, host, body);
    }

    /// <summary>Only the headers the verifier reads: the signed ones and the date and payload-hash headers.</summary>
    private static SigV4Request BuildSigV4Request(HttpRequest request, SigV4Authorization authorization, string host, string originTarget)
    {
        var signed = authorization.SignedHeaders;
        var headers = new List<KeyValuePair<string, string>>(signed.Count + 2);
        for (var i = 0; i < signed.Count; i++)
        {
            AddAll(headers, request.Headers, signed[i]);
        }

        if (!authorization.IsHeaderSigned("x-amz-date"))
        {
            AddAll(headers, request.Headers, SigV4Constants.AmzDateHeader);
        }

        if (!authorization.IsHeaderSigned("x-amz-content-sha256"))
        {
            AddAll(headers, request.Headers, SigV4Constants.AmzContentSha256Header);
        }

        var query = originTarget.IndexOf('?');
        return query < 0
            ? new SigV4Request(request.Method, host, originTarget, null, headers)
            : new SigV4Request(request.Method, host, originTarget[..query], originTarget[(query + 1)..], headers);
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

    /// <summary>§1.4: every local signature failure is a 403 with an empty body.</summary>
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
