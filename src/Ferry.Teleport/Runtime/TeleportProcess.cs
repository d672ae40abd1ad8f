using Ferry.Config;
using Ferry.Storage;
using Ferry.Storage.Audit;
using Ferry.Storage.Postgres;
using Ferry.Storage.Sqlite;
using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Runtime;

/// <summary>
/// One `teleport start`: opens storage (the backend and the audit log), starts the enabled services in dependency order (auth, proxy, app),
/// and stops them in reverse on shutdown.
/// </summary>
internal sealed class TeleportProcess : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _running = [];

    public static async Task<TeleportProcess> StartAsync(FileConfig config, ProcessContext context, CancellationToken cancellationToken)
    {
        var process = new TeleportProcess();
        try
        {
            Core.IO.SecureFile.CreatePrivateDirectory(config.Teleport.DataDir);
            var hostId = HostId.LoadOrCreate(config.Teleport.DataDir);

            // Diagnostics first, so /healthz answers (and metrics are recorded) while the services start; /readyz says
            // "starting" until every service is up, then asks each of them.
            var started = false;
            if (config.Teleport.DiagAddr is { } diag)
            {
                process._running.Add(await DiagnosticsServer.StartAsync(
                    ListenAddress.Parse(diag.ToString(), "teleport.diag_addr"),
                    () => started ? process._running.SelectMany(Readiness).ToList() : [DiagnosticsServer.Starting],
                    context,
                    cancellationToken));
            }

            AuthRole? auth = null;
            if (config.Auth.Enabled)
            {
                var backend = await OpenBackendAsync(config, context, cancellationToken);
                process._running.Add(backend);
                var auditStore = await OpenAuditStoreAsync(config, context, cancellationToken);
                process._running.Add(auditStore);
                auth = await AuthRole.StartAsync(config, backend, auditStore, hostId, context, cancellationToken);
                process._running.Add(auth);
            }

            if (config.Proxy.Enabled)
            {
                process._running.Add(await ProxyRole.StartAsync(config, auth, hostId, context, cancellationToken));
            }

            if (config.Apps.Enabled)
            {
                process._running.Add(await AppRole.StartAsync(config, auth, hostId, context, cancellationToken));
            }

            started = true;
            return process;
        }
        catch
        {
            await process.DisposeAsync();
            throw;
        }
    }

    /// <summary>SQLite under data_dir, or the PostgreSQL database of storage.conn_string (docs/storage-postgres.md).</summary>
    private static async Task<IBackend> OpenBackendAsync(FileConfig config, ProcessContext context, CancellationToken cancellationToken)
    {
        var storage = config.Teleport.Storage;
        var logger = context.LoggerFactory.CreateLogger("Ferry.Storage");
        if (string.Equals(storage.Type, "postgresql", StringComparison.OrdinalIgnoreCase))
        {
            var connection = PostgresConnectionString.Parse(storage.ConnString ?? "", "teleport.storage.conn_string");
            return new MeteredBackend(await PostgresBackend.OpenAsync(new PostgresBackendOptions { Connection = connection }, context.Time, logger, cancellationToken), "postgresql");
        }

        return new MeteredBackend(await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = storage.Path }, context.Time, logger, cancellationToken), "sqlite");
    }

    /// <summary>
    /// The audit log's own store beside whatever backend holds the rest: the PostgreSQL database of
    /// storage.audit_events_uri, or without it the SQLite file under data_dir.
    /// </summary>
    private static async Task<IAuditStore> OpenAuditStoreAsync(FileConfig config, ProcessContext context, CancellationToken cancellationToken)
    {
        var logger = context.LoggerFactory.CreateLogger("Ferry.Storage");
        if (config.Teleport.Storage.AuditEventsUri is [var uri])
        {
            return await PostgresAuditStore.OpenAsync(
                PostgresAuditStoreOptions.FromUri(uri, "teleport.storage.audit_events_uri"), context.Time, logger, cancellationToken);
        }

        return await SqliteAuditStore.OpenAsync(
            new SqliteAuditStoreOptions { Path = ConfigDefaults.AuditSqlitePath(config.Teleport.DataDir) }, context.Time, logger, cancellationToken);
    }

    private static IEnumerable<Hosting.Diagnostics.ReadinessCheck> Readiness(IAsyncDisposable service) => service switch
    {
        AuthRole auth => auth.Readiness,
        ProxyRole proxy => proxy.Readiness,
        AppRole app => app.Readiness,
        _ => [],
    };

    public async ValueTask DisposeAsync()
    {
        for (var i = _running.Count - 1; i >= 0; i--)
        {
            await _running[i].DisposeAsync();
        }

        _running.Clear();
    }
}
