using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Ferry.Tunnel.Agent;

/// <summary>How an app agent reaches the proxy. Immutable once built; checked by <see cref="TunnelClient"/>.</summary>
public sealed class TunnelClientOptions
{
    /// <summary>The proxy's public address, <c>https://host:port</c>; tunnels open on <see cref="TunnelDefaults.Path"/> there.</summary>
    public required Uri ProxyUrl { get; init; }

    /// <summary>The agent's host certificate, with its private key; the proxy authenticates the agent by it.</summary>
    public required X509Certificate2 ClientCertificate { get; init; }

    /// <summary>When set, each new tunnel presents this source's current certificate instead (the agent renews its own).</summary>
    public Func<X509Certificate2>? ClientCertificateSource { get; init; }

    internal X509Certificate2 CurrentClientCertificate => ClientCertificateSource?.Invoke() ?? ClientCertificate;

    /// <summary>Decides whether the proxy is who it claims (e.g. its certificate chains to the cluster's host CA).</summary>
    public required Func<X509Certificate2?, X509Chain?, SslPolicyErrors, bool> ServerCertificateValidation { get; init; }

    /// <summary>The agent's host id, sent as a hint only (the proxy reads the certificate).</summary>
    public required string AgentId { get; init; }

    /// <summary>The services (app names) the agent offers, sent as a hint only.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    /// <summary>
    /// Tunnels kept open. Two means a request can go on while one tunnel is being replaced, and lets busy
    /// traffic spread over two TCP connections.
    /// </summary>
    public int Connections { get; init; } = 2;

    /// <summary>
    /// The ids of the proxies alive now (from their heartbeats in auth), when <see cref="ProxyUrl"/> is a load
    /// balancer in front of several. The agent then holds <see cref="Connections"/> tunnels to each live proxy,
    /// redialling the balancer until every one is reached (see docs/architecture.md, "Reverse tunnel").
    /// Polled every <see cref="LiveProxiesInterval"/>; a poll that fails keeps the last set. Null: the agent
    /// keeps <see cref="Connections"/> tunnels to wherever the address leads, as for a single proxy.
    /// </summary>
    public Func<CancellationToken, Task<IReadOnlySet<string>>>? LiveProxies { get; init; }

    /// <summary>How often <see cref="LiveProxies"/> is asked; a new proxy is dialled within about this long.</summary>
    public TimeSpan LiveProxiesInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The first retry delay after a failed dial; it doubles up to <see cref="MaxBackoff"/>, with jitter.</summary>
    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(250);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one dial (TCP, TLS, WebSocket upgrade) may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>WebSocket pings, so a proxy that vanished without a FIN is noticed and redialled.</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan KeepAliveTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a closing tunnel may take for the WebSocket close handshake before it is aborted.</summary>
    public TimeSpan CloseTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem at once, so a bad configuration is fixed in one go.</summary>
    internal IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (ProxyUrl is null || !ProxyUrl.IsAbsoluteUri || ProxyUrl.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add($"ProxyUrl must be an absolute https:// address, not \"{ProxyUrl}\"");
        }

        if (ClientCertificate is null || !ClientCertificate.HasPrivateKey)
        {
            problems.Add("ClientCertificate must be the agent's host certificate with its private key");
        }

        if (ServerCertificateValidation is null)
        {
            problems.Add("ServerCertificateValidation is required: the agent must check the proxy's certificate");
        }

        if (string.IsNullOrWhiteSpace(AgentId))
        {
            problems.Add("AgentId is required");
        }

        if (Services is null || Services.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("Services must be a list of non-empty names");
        }

        if (Connections is < 1 or > 64)
        {
            problems.Add($"Connections must be between 1 and 64, not {Connections}");
        }

        if (MinBackoff <= TimeSpan.Zero || MaxBackoff < MinBackoff)
        {
            problems.Add($"MinBackoff must be positive and at most MaxBackoff (got {MinBackoff} and {MaxBackoff})");
        }

        foreach (var (name, value) in new[] { (nameof(ConnectTimeout), ConnectTimeout), (nameof(KeepAliveInterval), KeepAliveInterval), (nameof(KeepAliveTimeout), KeepAliveTimeout), (nameof(CloseTimeout), CloseTimeout), (nameof(LiveProxiesInterval), LiveProxiesInterval) })
        {
            if (value <= TimeSpan.Zero)
            {
                problems.Add($"{name} must be positive, not {value}");
            }
        }

        return problems;
    }
}
