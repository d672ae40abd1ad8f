using Ferry.Hosting;
using System.Net.Http.Headers;
using Ferry.Core.Api;
using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Auth;

/// <summary>
/// Forwards an API call to auth over the proxy's own mTLS connection. Only the method, path, query, body and
/// content type cross; every client-sent header is dropped, so nothing a client writes can pose as a
/// cluster header. When acting for a verified caller the caller's certificate goes along for auth to check again.
/// </summary>
internal static class AuthForwarder
{
    public static async Task ForwardAsync(HttpContext context, HttpClient auth, string authPath, ReadOnlyMemory<byte>? onBehalfOf)
    {
        var request = context.Request;
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), authPath + request.QueryString.Value);
        if (RequestBodies.IsPresent(request))
        {
            message.Content = new StreamContent(request.Body);
            if (request.ContentType is { } contentType && MediaTypeHeaderValue.TryParse(contentType, out var parsed))
            {
                message.Content.Headers.ContentType = parsed;
            }
        }

        if (onBehalfOf is { } certificate)
        {
            message.Headers.TryAddWithoutValidation(ApiHeaders.ForwardedCertificate, Convert.ToBase64String(certificate.Span));
        }

        if (context.Connection.RemoteIpAddress is { } remote)
        {
            message.Headers.TryAddWithoutValidation(ApiHeaders.ForwardedFor, remote.ToString());
        }

        using var response = await auth.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
        context.Response.StatusCode = (int)response.StatusCode;
        if (response.Content.Headers.ContentType is { } responseType)
        {
            context.Response.ContentType = responseType.ToString();
        }

        await response.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }
}
