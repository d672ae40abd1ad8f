using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ferry.Hosting;

/// <summary>The request target exactly as the client sent it: re-escaping a path or query would break its SigV4 signature.</summary>
public static class RequestTarget
{
    /// <summary>Path and query (without '?') as sent.</summary>
    public static (string Path, string Query) Raw(HttpContext context)
    {
        var target = Full(context);
        var question = target.IndexOf('?');
        return question < 0 ? (target, "") : (target[..question], target[(question + 1)..]);
    }

    /// <summary>Path and query, with the '?', as sent.</summary>
    public static string Full(HttpContext context) =>
        context.Features.Get<IHttpRequestFeature>()?.RawTarget is { Length: > 0 } raw ? raw : context.Request.Path.ToUriComponent() + context.Request.QueryString.Value;
}
