using Ferry.Auth.Storage;
using Ferry.Core.Errors;
using Ferry.Core.Resources;

namespace Ferry.Auth.Apps;

/// <summary>
/// App servers: what agents announce. Each heartbeat is stored with an expiry, so an agent that dies
/// silently disappears from listings once its last heartbeat expires.
/// </summary>
public sealed class AppServerService
{
    /// <summary>How long a heartbeat keeps an app listed; agents renew at a third of it.</summary>
    public static readonly TimeSpan HeartbeatTtl = TimeSpan.FromSeconds(60);

    private readonly ResourceStore<AppServer> _store;
    private readonly TimeProvider _time;

    public AppServerService(ResourceStore<AppServer> store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    public ValueTask<IReadOnlyList<AppServer>> ListAsync(CancellationToken cancellationToken) => _store.ListAsync(cancellationToken);

    /// <summary>Stores a heartbeat for the calling agent; the host id in it must be the caller's own.</summary>
    public async ValueTask<AppServer> HeartbeatAsync(AppServer server, string callerHostId, CancellationToken cancellationToken)
    {
        if (!string.Equals(server.Spec.HostId, callerHostId, StringComparison.Ordinal))
        {
            throw FerryException.AccessDenied("an agent may only announce apps for its own host id");
        }

        var expires = _time.GetUtcNow() + HeartbeatTtl;
        var stamped = server with { Metadata = server.Metadata with { Expires = expires, Name = server.Spec.App.Name } };
        return await _store.UpsertAsync(stamped, cancellationToken);
    }

    /// <summary>Removes an agent's announcement of one app (graceful shutdown).</summary>
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
    }

    /// <summary>The app definition announced for <paramref name="appName"/>, from any live agent; null when none.</summary>
    public async ValueTask<(App App, int Servers)?> FindAppAsync(string appName, CancellationToken cancellationToken)
    {
        var servers = (await ListAsync(cancellationToken)).Where(s => s.Spec.App.Name == appName).ToList();
        return servers.Count == 0 ? null : (servers[0].Spec.App, servers.Count);
    }
}
