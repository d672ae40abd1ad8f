using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Web.Ui.Security;

/// <summary>Response headers of every page and redirect under /web.</summary>
internal static class PageHeaders
{
    /// <summary>
    /// Everything from this host, no inline script or style (the pages have none), images also as data: URIs.
    /// There is deliberately no form-action: Launch is a form POST answered by a redirect to the app's host and on to
    /// the AWS sign-in page, and Chromium applies form-action to every hop of that redirect chain.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

    public static void Apply(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
    }
}
