using Ferry.Aws.SigV4;

namespace Ferry.Aws.Tests.Infrastructure;

internal static class WireRequestExtensions
{
    public static SigV4Request ToSigV4(this WireRequest r) => SigV4Request.FromUri(r.Method, r.Url, r.Headers);

    public static WireRequest WithHeader(this WireRequest r, string name, string value)
    {
        var headers = r.Headers.Where(h => !string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).ToList();
        headers.Add(new(name, value));
        return r with { Headers = headers };
    }

    public static string? Header(this WireRequest r, string name) =>
        r.Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
