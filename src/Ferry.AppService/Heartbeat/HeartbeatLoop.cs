using Ferry.Client.Http;
using Ferry.Core;
using Ferry.Core.Resources;
using Microsoft.Extensions.Logging;

namespace Ferry.AppService.Heartbeat;

/// <summary>
/// Announces the agent's apps as app_server resources and renews them; auth stores each with an expiry, so
/// apps of an agent that dies disappear on their own. A clean stop removes them at once.
/// </summary>
internal sealed partial class HeartbeatLoop : IAsyncDisposable
{
    private readonly AuthClient _auth;
    private readonly AppServiceOptions _options;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public HeartbeatLoop(AuthClient auth, AppServiceOptions options, ILogger logger)
    {
        _auth = auth;
        _options = options;
        _logger = logger;
    }

    /// <summary>Sends the first heartbeat (failing loudly if auth refuses it), then renews in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await BeatAsync(cancellationToken);
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false) is true)
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
        foreach (var app in _options.Apps)
        {
            await _auth.HeartbeatAsync(
                new AppServer
                {
                    Metadata = new ResourceMetadata { Name = app.Name },
                    Spec = new AppServerSpec { Hostname = _options.NodeName, HostId = _options.HostId, Version = FerryVersion.Current, App = app },
                },
                cancellationToken);
        }
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

        foreach (var app in _options.Apps)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await _auth.RemoveAppServerAsync(app.Name, timeout.Token);
            }
            catch (Exception e)
            {
                LogFailed(_logger, e);
            }
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "App heartbeat failed; will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
