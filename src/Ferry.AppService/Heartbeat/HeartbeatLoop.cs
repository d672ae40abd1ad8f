using Ferry.Client.Http;
using Ferry.Core;
using Ferry.Core.Errors;
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
    private readonly string _hostId;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private IReadOnlyList<App> _accepted = [];

    public HeartbeatLoop(AuthClient auth, AppServiceOptions options, string hostId, ILogger logger)
    {
        _auth = auth;
        _options = options;
        _hostId = hostId;
        _logger = logger;
    }

    /// <summary>
    /// Sends the first heartbeats, then renews in the background. An app auth refuses (not allowed by this agent's join
    /// token, a conflicting definition, a bad public_addr) is logged with auth's reason and left out; when auth refuses
    /// every app the agent has nothing to serve and fails to start with that reason.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var refusals = await BeatAsync(_options.Apps, cancellationToken);
        if (refusals.Count == _options.Apps.Count && refusals.Count > 0)
        {
            throw refusals[0].Error;
        }

        Refused = refusals.Select(r => r.App).ToList();

        // Only the apps auth accepted are renewed (and served): a refused one stays out until the agent restarts with a
        // fixed config or token, rather than logging the same refusal every interval.
        _accepted = _options.Apps.Where(a => !Refused.Contains(a.Name, StringComparer.Ordinal)).ToList();

        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    private async Task RunAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false) is true)
        {
            try
            {
                await BeatAsync(_accepted, stop);
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

    /// <summary>The apps auth refused at start (their reasons are in the log).</summary>
    public IReadOnlyList<string> Refused { get; private set; } = [];

    /// <summary>One heartbeat per app; returns auth's refusals (each already logged).</summary>
    private async Task<List<(string App, FerryException Error)>> BeatAsync(IReadOnlyList<App> apps, CancellationToken cancellationToken)
    {
        var refusals = new List<(string App, FerryException Error)>();
        foreach (var app in apps)
        {
            try
            {
                await _auth.HeartbeatAsync(
                    new AppServer
                    {
                        Metadata = new ResourceMetadata { Name = app.Name },
                        Spec = new AppServerSpec { Hostname = _options.NodeName, HostId = _hostId, Version = FerryVersion.Current, App = app },
                    },
                    cancellationToken);
            }
            catch (FerryException e) when (e.Kind is ErrorKind.AccessDenied or ErrorKind.AlreadyExists or ErrorKind.BadParameter)
            {
                LogRefused(_logger, app.Name, e.Message);
                refusals.Add((app.Name, e));
            }
        }

        return refusals;
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

        foreach (var app in _accepted)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                await _auth.RemoveAppServerAsync(app.Name, timeout.Token);
            }
            catch (Exception e)
            {
                LogUnlistFailed(_logger, app.Name, e);
            }
        }

        _stop.Dispose();
    }

    [LoggerMessage(EventId = 7011, Level = LogLevel.Error, Message = "Auth refused to list app {App}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string app, string reason);

    [LoggerMessage(EventId = 7012, Level = LogLevel.Warning, Message = "Could not unlist app {App} on the way out; its record lapses with its heartbeat's expiry")]
    private static partial void LogUnlistFailed(ILogger logger, string app, Exception exception);

    [LoggerMessage(EventId = 7010, Level = LogLevel.Warning, Message = "App heartbeat failed; will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
