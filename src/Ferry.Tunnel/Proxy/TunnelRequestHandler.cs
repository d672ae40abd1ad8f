using System.Net;

namespace Ferry.Tunnel.Proxy;

/// <summary>
/// Makes any request fit the agent's tunnel pool: HTTP/2 with prior knowledge (the agent's Kestrel speaks
/// nothing else on tunnels), and one fixed authority, because SocketsHttpHandler keeps a separate connection
/// pool per scheme/host/port and all of an agent's tunnels must sit in one. Path and query are kept as they
/// are; to show the agent another host, set <c>request.Headers.Host</c>, which becomes <c>:authority</c>.
/// </summary>
internal sealed class TunnelRequestHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private const string Origin = "http://tunnel";

    // Keep the path byte for byte (no dot-segment removal or unescaping): the agent must see what the
    // client sent, or its SigV4 signature checks would fail.
    private static readonly UriCreationOptions Verbatim = new() { DangerousDisablePathAndQueryCanonicalization = true };

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.RequestUri = Rebase(request.RequestUri);
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return base.SendAsync(request, cancellationToken);
    }

    internal static Uri Rebase(Uri? uri)
    {
        var pathAndQuery = uri switch
        {
            null => "/",
            { IsAbsoluteUri: true } => uri.PathAndQuery,
            _ => uri.OriginalString,
        };

        if (!pathAndQuery.StartsWith('/'))
        {
            pathAndQuery = "/" + pathAndQuery;
        }

        return new Uri(Origin + pathAndQuery, Verbatim);
    }
}
