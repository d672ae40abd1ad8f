using Ferry.Auth.Hosts;
using Ferry.Auth.Storage;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Storage;
using Microsoft.Extensions.Logging;

namespace Ferry.Auth.Apps;

/// <summary>
/// App servers: what agents announce, after auth has checked each announcement against the agent's registration.
/// <code>
///   heartbeat from host H for app A
///     → H is a registered App host whose join token allowed A           else refused, naming the token to use
///     → A's public_addr is under a proxy's host (never a proxy's own)    else refused (AppDefinitionRules)
///     → every other live agent announces A identically                   else refused, not merged
///     → stored (key A/H, expiry <see cref="HeartbeatTtl"/>) in one atomic write with A's definition record, whose
///       revision serialises concurrent heartbeats for A across auth servers
/// </code>
/// An agent that dies silently disappears once its last heartbeat expires; a clean stop removes it at once.
/// </summary>
public sealed partial class AppServerService
{
    /// <summary>How long a heartbeat keeps an app listed; agents renew at a third of it.</summary>
    public static readonly TimeSpan HeartbeatTtl = TimeSpan.FromSeconds(60);

    private const string DefinitionPrefix = "/app_definitions/";

    private readonly ResourceStore<AppServer> _store;
    private readonly HostService _hosts;
    private readonly AuthServerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AppServerService(ResourceStore<AppServer> store, HostService hosts, AuthServerOptions options, TimeProvider time, ILogger logger)
    {
        _store = store;
        _hosts = hosts;
        _options = options;
        _time = time;
        _logger = logger;
    }

    private IBackend Backend => _store.Backend;

    public ValueTask<IReadOnlyList<AppServer>> ListAsync(CancellationToken cancellationToken) => _store.ListAsync(cancellationToken);

    /// <summary>Stores a heartbeat of the calling agent after checking it; see the class comment.</summary>
    public async ValueTask<AppServer> HeartbeatAsync(AppServer announced, string callerHostId, CancellationToken cancellationToken)
    {
        try
        {
            return await AcceptAsync(announced, callerHostId, cancellationToken);
        }
        catch (FerryException e) when (e.Kind is ErrorKind.AccessDenied or ErrorKind.BadParameter or ErrorKind.AlreadyExists)
        {
            LogRefused(_logger, announced.Spec.App.Name, callerHostId, e.Message);
            throw;
        }
    }

    private async ValueTask<AppServer> AcceptAsync(AppServer announced, string callerHostId, CancellationToken cancellationToken)
    {
        var host = await _hosts.RequireAsync(callerHostId, SystemRoles.App, cancellationToken);
        var name = announced.Spec.App.Name;
        if (!HostService.MayServe(host, name))
        {
            throw FerryException.AccessDenied(
                $"this agent (host {host.HostId}) may not serve app \"{name}\": it joined with a token for {string.Join(", ", host.AppNames.Select(n => $"\"{n}\""))}. " +
                $"Create a token for it with tctl tokens add --type=app --app-name={name}, remove the agent's identity from its data_dir and join again with that token");
        }

        var app = AppDefinitionRules.CheckPublicAddr(announced.Spec.App, await _hosts.ProxyHostsAsync(cancellationToken), _options.AppPublicAddrs);
        var now = _time.GetUtcNow();
        var server = new AppServer
        {
            Metadata = new ResourceMetadata { Name = name, Expires = now + HeartbeatTtl },
            Spec = announced.Spec with { HostId = host.HostId, Hostname = host.NodeName ?? announced.Spec.Hostname, App = app },
        };

        for (var attempt = 0; ; attempt++)
        {
            var definition = await Backend.GetAsync(DefinitionPrefix + name, cancellationToken);
            var (start, end) = KeyRange.Prefix(_store.KeyOf(name + "/"));
            foreach (var item in await Backend.GetRangeAsync(start, end, 0, cancellationToken))
            {
                var other = _store.Decode(item);
                if (other.Spec.HostId != host.HostId && AppDefinitionRules.Difference(other.Spec.App, app) is { } difference)
                {
                    throw FerryException.AlreadyExists(
                        $"app \"{name}\" is already served by another agent ({other.Spec.Hostname}) with a different definition: {difference}. " +
                        "Every agent serving one app must announce it identically; fix this agent's app_service.apps entry or give the app another name");
                }
            }

            Condition guard = definition is null ? new Condition.MustNotExist(DefinitionPrefix + name) : new Condition.RevisionIs(DefinitionPrefix + name, definition.Revision);
            try
            {
                await Backend.AtomicWriteAsync(
                    [guard],
                    [
                        new WriteAction.Put(_store.ToItem(server)),
                        new WriteAction.Put(Item.Create(DefinitionPrefix + name, ResourceJson.SerializeToUtf8Bytes(app), now + HeartbeatTtl)),
                    ],
                    cancellationToken);
                return server;
            }
            catch (FerryException e) when (e.Kind == ErrorKind.CompareFailed && attempt < 5)
            {
                // Another heartbeat for this app landed in between: check again against what it wrote.
            }
        }
    }

    /// <summary>Removes an agent's announcement of one app (graceful shutdown); the app's definition goes with its last agent.</summary>
    public async ValueTask RemoveAsync(string appName, string callerHostId, CancellationToken cancellationToken)
    {
        try
        {
            await _store.DeleteAsync(appName + "/" + callerHostId, cancellationToken);
        }
        catch (FerryException e) when (e.Kind == ErrorKind.NotFound)
        {
            // Already expired: nothing to remove.
        }

        var (start, end) = KeyRange.Prefix(_store.KeyOf(appName + "/"));
        if ((await Backend.GetRangeAsync(start, end, 1, cancellationToken)).Count == 0)
        {
            await Backend.AtomicWriteAsync([], [new WriteAction.Delete(DefinitionPrefix + appName)], cancellationToken);
        }
    }

    /// <summary>The app definition announced for <paramref name="appName"/>, from any live agent; null when none.</summary>
    public async ValueTask<(App App, int Servers)?> FindAppAsync(string appName, CancellationToken cancellationToken)
    {
        var (start, end) = KeyRange.Prefix(_store.KeyOf(appName + "/"));
        var servers = (await Backend.GetRangeAsync(start, end, 0, cancellationToken)).Select(_store.Decode).ToList();
        return servers.Count == 0 ? null : (servers[0].Spec.App, servers.Count);
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "Refused a heartbeat for app {App} from host {Host}: {Reason}")]
    private static partial void LogRefused(ILogger logger, string app, string host, string reason);
}
