using System.Text.Json;
using System.Threading.Channels;
using Ferry.Core.Api;

namespace Ferry.Cluster.Tests.Infrastructure;

/// <summary>
/// One open GET /v1/watch as the test drives it: every event sent is written as a line of newline-delimited JSON,
/// exactly as auth writes them (src/Ferry.Auth/Api/WatchEndpoints.cs); <see cref="End"/> closes the response.
/// </summary>
internal sealed class WatchFeed
{
    private readonly Channel<WatchEvent> _events = Channel.CreateUnbounded<WatchEvent>();

    public WatchFeed(string prefix)
    {
        Prefix = prefix;
    }

    public string Prefix { get; }

    public ChannelReader<WatchEvent> Events => _events.Reader;

    public void Init() => Send(new WatchEvent { Type = "init" });

    public void Ping() => Send(new WatchEvent { Type = "ping" });

    public void Put(string key, byte[] storedJson) =>
        Send(new WatchEvent { Type = "put", Key = key, Value = JsonDocument.Parse(storedJson).RootElement.Clone() });

    public void Delete(string key) => Send(new WatchEvent { Type = "delete", Key = key });

    /// <summary>Auth went away: the response ends and the cache must reconnect.</summary>
    public void End() => _events.Writer.TryComplete();

    private void Send(WatchEvent watchEvent)
    {
        if (!_events.Writer.TryWrite(watchEvent))
        {
            throw new InvalidOperationException($"the feed of {Prefix} has ended");
        }
    }
}
