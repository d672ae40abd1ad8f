using Ferry.Tunnel.Agent;

namespace Ferry.Tunnel.Tests.Infrastructure;

/// <summary>
/// Stands in for the proxies' heartbeats in auth: the live proxy ids a test changes at will, served to the
/// agent as <see cref="TunnelClientOptions.LiveProxies"/>; counts the polls.
/// </summary>
internal sealed class LiveSet(params string[] ids)
{
    private readonly object _lock = new();
    private HashSet<string> _ids = new(ids, StringComparer.Ordinal);
    private int _polls;

    public int Polls => Volatile.Read(ref _polls);

    public void Add(string id) => Change(ids => ids.Add(id));

    public void Remove(string id) => Change(ids => ids.Remove(id));

    public Task<IReadOnlySet<string>> PollAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _polls);
        lock (_lock)
        {
            return Task.FromResult<IReadOnlySet<string>>(_ids);
        }
    }

    /// <summary>The agent's options with this live set (and a poll interval) added.</summary>
    public Func<TunnelClientOptions, TunnelClientOptions> Configure(TimeSpan? interval = null) => options => new TunnelClientOptions
    {
        ProxyUrl = options.ProxyUrl,
        ClientCertificate = options.ClientCertificate,
        ServerCertificateValidation = options.ServerCertificateValidation,
        AgentId = options.AgentId,
        Services = options.Services,
        MinBackoff = options.MinBackoff,
        MaxBackoff = options.MaxBackoff,
        LiveProxies = PollAsync,
        LiveProxiesInterval = interval ?? options.LiveProxiesInterval,
    };

    private void Change(Action<HashSet<string>> change)
    {
        lock (_lock)
        {
            var next = new HashSet<string>(_ids, StringComparer.Ordinal);
            change(next);
            _ids = next;
        }
    }
}
