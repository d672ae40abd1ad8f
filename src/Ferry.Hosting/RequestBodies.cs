using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ferry.Hosting;

/// <summary>Whether a request carries a body to forward.</summary>
public static class RequestBodies
{
    /// <summary>
    /// A non-empty Content-Length, or no length and a body the server says may follow: HTTP/1.1 chunked, or an HTTP/2
    /// stream not ended with its headers (HTTP/2 has no Transfer-Encoding, so that header alone misses streamed bodies).
    /// </summary>
    public static bool IsPresent(HttpRequest request) =>
        request.ContentLength > 0
        || (request.ContentLength is null && request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);
}
