using System.Collections.Frozen;

namespace Ferry.LocalProxy.Http;

/// <summary>Which headers cross the local proxy (docs/aws-access.md §1.5, §1.8; RFC 9110 §7.6.1 for hop-by-hop).</summary>
internal static class HeaderRules
{
    /// <summary>
    /// Request headers never copied upstream: hop-by-hop ones; Host and Content-Length, which the forwarder sets
    /// itself; Expect, because the body is already buffered and a 100-continue round trip upstream would only add
    /// latency; and the headers that carry meaning inside the cluster, which a client must not be able to forge.
    /// </summary>
    private static readonly FrozenSet<string> DroppedRequest = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization", "Proxy-Authenticate", "TE", "Trailer",
        "Transfer-Encoding", "Upgrade", "Host", "Content-Length", "Expect", "Forwarded", "X-Real-IP", "Teleport-Jwt-Assertion");

    private static readonly FrozenSet<string> DroppedResponse = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Connection", "Keep-Alive", "Proxy-Connection", "Proxy-Authenticate", "TE", "Trailer", "Transfer-Encoding", "Upgrade",
        "Alt-Svc");

    private static readonly FrozenSet<string> ContentHeaders = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
        "Allow", "Content-Disposition", "Content-Encoding", "Content-Language", "Content-Location", "Content-MD5",
        "Content-Range", "Content-Type", "Expires", "Last-Modified");

    /// <summary>The <c>X-Forwarded-*</c> family, Teleport's reserved headers and Ferry's own.</summary>
    private static readonly string[] ReservedPrefixes = ["X-Forwarded-", "X-Teleport-", "X-Ferry-"];

    public const string ForwardedHost = "X-Forwarded-Host";
    public const string ApiError = "X-Teleport-Api-Error";
    public const string ApiInfo = "X-Teleport-Api-Info";

    public static bool IsDroppedRequestHeader(string name)
    {
        if (DroppedRequest.Contains(name))
        {
            return true;
        }

        foreach (var prefix in ReservedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsDroppedResponseHeader(string name) => DroppedResponse.Contains(name);

    /// <summary>Headers that <see cref="System.Net.Http.HttpContent"/> carries rather than the request.</summary>
    public static bool IsContentHeader(string name) => ContentHeaders.Contains(name);
}
