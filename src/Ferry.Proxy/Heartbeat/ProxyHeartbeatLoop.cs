using Ferry.Client.Http;
using Ferry.Core;
using Ferry.Core.Api;
using Microsoft.Extensions.Logging;

namespace Ferry.Proxy.Heartbeat;

/// <summary>
/// Announces this proxy to auth every 20 s (a heartbeat lives 60 s): agents read the live set and hold a tunnel to
/// each proxy, so a request reaching any proxy behind the load balancer finds an agent (docs/deploy-ha.md). A clean
/// stop withdraws the announcement at once, so agents drop this proxy without waiting for the expiry.
/// </summary>
internal sealed partial class ProxyHeartbeatLoop : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(20);

    private readonly Func<AuthClient> _auth;
    private readonly ProxyHeartbeat _heartbeat;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public ProxyHeartbeatLoop(Func<AuthClient> auth, string hostId, string hostname, IReadOnlyList<string> publicAddrs, ILogger logger)
    {
        _auth = auth;
        _heartbeat = new ProxyHeartbeat { HostId = hostId, Hostname = hostname, PublicAddrs = publicAddrs, Version = FerryVersion.Current };
        _logger = logger;
    }

    /// <summary>The first announcement (failing loudly), then renewals in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await BeatAsync(cancellationToken);
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                await BeatAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogFailed(_logger, e);
            }
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        using var auth = _auth();
        await auth.ProxyHeartbeatAsync(_heartbeat, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_loop is not null)
        {
            try
            {
                await _loop;
            }
            catch (OperationCanceledException)
            {
            }
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
            using var auth = _auth();
            await auth.RemoveProxyAsync(timeout.Token);
        }
        catch (Exception e)
        {
            LogFailed(_logger, e);
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 8100, Level = LogLevel.Warning, Message = "Proxy heartbeat failed; will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
