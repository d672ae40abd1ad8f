using System.Net.Sockets;
using System.Security.Authentication;
using Ferry.Aws.SigV4;
using Ferry.Aws.SigV4.Streaming;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Ferry.LocalProxy.Http;

/// <summary>
/// Sends a verified request to the Ferry proxy and streams the answer back unchanged (docs/aws-access.md §1.5):
/// method, raw path and query, the body (buffered and verified, or streaming), the client's Host, <c>X-Forwarded-Host</c> = that Host
/// in HTTPS_PROXY mode only; hop-by-hop and cluster-reserved headers dropped. Failures to reach the proxy
/// become 502 with a plain-text body and <c>X-Teleport-Api-Error</c>.
/// </summary>
internal sealed class UpstreamForwarder
{
    private static readonly UriCreationOptions RawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly HttpMessageInvoker _invoker;
    private readonly string _requestBase;
    private readonly string _upstreamDisplay;
    private readonly Version _version;
    private readonly bool _setForwardedHost;
    private readonly ILogger _logger;

    /// <param name="requestBase">scheme://authority[/prefix] without a trailing slash; the raw target is appended.</param>
    public UpstreamForwarder(HttpMessageInvoker invoker, string requestBase, string upstreamDisplay, Version version, bool setForwardedHost, ILogger logger)
    {
        _invoker = invoker;
        _requestBase = requestBase;
        _upstreamDisplay = upstreamDisplay;
        _version = version;
        _setForwardedHost = setForwardedHost;
        _logger = logger;
    }

    /// <param name="originTarget">The path and query exactly as the client sent them, starting with '/'.</param>
    /// <param name="body">The body to send; sent (even empty) when <paramref name="hasBody"/>, so Content-Length reaches the agent as the client framed it.</param>
    public async Task ForwardAsync(HttpContext context, string originTarget, string host, HttpContent body, bool hasBody)
    {
        var aborted = context.RequestAborted;
        using var message = CreateRequest(context.Request, originTarget, host, body, hasBody);
        HttpResponseMessage response;
        try
        {
            response = await _invoker.SendAsync(message, aborted);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (AwsChunkedException.Find(e) is { } chunked)
        {
            // A chunk of a streaming upload failed its signature on the way: the forwarded request was cut before
            // its end, so AWS received no complete body. The client gets the same answer as for any bad signature.
            LocalProxyLog.SignatureRejected(_logger, context.Request.Method, host, SigV4VerificationStatus.SignatureMismatch, chunked.Message);
            if (context.Response.HasStarted)
            {
                context.Abort();
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status403Forbidden;
                context.Response.ContentLength = 0;
            }

            return;
        }
        catch (Exception e) when (e is HttpRequestException or IOException or SocketException or AuthenticationException or OperationCanceledException)
        {
            LocalProxyLog.UpstreamUnreachable(_logger, _upstreamDisplay, context.Request.Method, host, e);
            await WriteUnreachableAsync(context, e);
            return;
        }

        using (response)
        {
            var outgoing = context.Response;
            outgoing.StatusCode = (int)response.StatusCode;
            CopyHeaders(response.Headers.NonValidated, outgoing.Headers);
            CopyHeaders(response.Content.Headers.NonValidated, outgoing.Headers);
            LogApiHeaders(response, context.Request.Method, host);
            if (!string.IsNullOrEmpty(response.ReasonPhrase) && HttpProtocol.IsHttp11(context.Request.Protocol))
            {
                context.Features.Get<IHttpResponseFeature>()!.ReasonPhrase = response.ReasonPhrase;
            }

            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(aborted);
                await stream.CopyToAsync(outgoing.Body, aborted);
            }
            catch (OperationCanceledException) when (aborted.IsCancellationRequested)
            {
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                // Headers (maybe part of the body) are already out: all that is left is to cut the connection so
                // the client sees a truncated response instead of a short one it would take for complete.
                LocalProxyLog.UpstreamResponseBroken(_logger, context.Request.Method, host, e);
                context.Abort();
            }
        }
    }

    private HttpRequestMessage CreateRequest(HttpRequest request, string originTarget, string host, HttpContent body, bool hasBody)
    {
        var message = new HttpRequestMessage(HttpMethod.Parse(request.Method), new Uri(_requestBase + originTarget, in RawUri))
        {
            Version = _version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        // A body, even an empty one, whenever the client framed one, so Content-Length reaches the agent as sent.
        // (Ferry.Hosting's RequestBodies is the same rule for the servers; tsh, a native executable, does not link that assembly.)
        hasBody = hasBody || request.ContentLength is not null || request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true;
        HttpContent? content = hasBody ? body : null;
        if (!hasBody)
        {
            body.Dispose();
        }
        message.Content = content;

        var connectionTokens = request.Headers.Connection;
        foreach (var (name, values) in request.Headers)
        {
            if (HeaderRules.IsDroppedRequestHeader(name) || IsListedInConnection(connectionTokens, name))
            {
                continue;
            }

            if (HeaderRules.IsContentHeader(name))
            {
                if (content is null)
                {
                    content = new ByteArrayContent([]);
                    message.Content = content;
                }

                Add(content.Headers, name, values);
            }
            else
            {
                Add(message.Headers, name, values);
            }
        }

        message.Headers.Host = host;
        if (_setForwardedHost)
        {
            message.Headers.TryAddWithoutValidation(HeaderRules.ForwardedHost, host);
        }

        return message;
    }

    private static void Add(System.Net.Http.Headers.HttpHeaders target, string name, StringValues values)
    {
        if (values.Count == 1)
        {
            target.TryAddWithoutValidation(name, values.ToString());
        }
        else
        {
            target.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
        }
    }

    /// <summary>RFC 9110 §7.6.1: a header named in Connection is hop-by-hop too ("keep-alive" and "close" name none).</summary>
    private static bool IsListedInConnection(StringValues connection, string name)
    {
        if (connection.Count == 0)
        {
            return false;
        }

        foreach (var value in connection)
        {
            foreach (var token in (value ?? string.Empty).Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                if (string.Equals(token, name, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private static void CopyHeaders(System.Net.Http.Headers.HttpHeadersNonValidated source, IHeaderDictionary target)
    {
        foreach (var (name, values) in source)
        {
            if (HeaderRules.IsDroppedResponseHeader(name))
            {
                continue;
            }

            if (values.Count == 1)
            {
                target[name] = values.ToString();
            }
            else
            {
                var all = new string[values.Count];
                var i = 0;
                foreach (var value in values)
                {
                    all[i++] = value;
                }

                target[name] = all;
            }
        }
    }

    private void LogApiHeaders(HttpResponseMessage response, string method, string host)
    {
        if (response.Headers.NonValidated.TryGetValues(HeaderRules.ApiError, out var errors))
        {
            LocalProxyLog.UpstreamApiError(_logger, method, host, (int)response.StatusCode, errors.ToString());
        }

        if (response.Headers.NonValidated.TryGetValues(HeaderRules.ApiInfo, out var infos))
        {
            foreach (var info in infos)
            {
                LocalProxyLog.UpstreamApiInfo(_logger, method, host, info);
            }
        }
    }

    private async Task WriteUnreachableAsync(HttpContext context, Exception error)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            context.Abort();
            return;
        }

        var detail = $"cannot reach the Ferry proxy at {_upstreamDisplay}: {Ferry.Core.Errors.ExceptionMessages.WithCauses(error)}";
        response.StatusCode = StatusCodes.Status502BadGateway;
        response.ContentType = "text/plain; charset=utf-8";
        response.Headers[HeaderRules.ApiError] = HeaderSafe(detail);
        await response.WriteAsync($"Bad Gateway: the Ferry proxy at {_upstreamDisplay} cannot be reached.\n", context.RequestAborted);
    }

    /// <summary>Header values are Latin-1 without control characters.</summary>
    private static string HeaderSafe(string value)
    {
        var chars = value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] < ' ' || chars[i] > '~')
            {
                chars[i] = ' ';
            }
        }

        return new string(chars);
    }
}
