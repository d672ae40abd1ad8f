using Ferry.Bench.Infrastructure;
using Ferry.Bench.Load;
using Ferry.Bench.Report;
using Ferry.Bench.Setup;
using Ferry.Storage;
using Ferry.Storage.Postgres;
using Ferry.Storage.Sqlite;
using Spectre.Console;

namespace Ferry.Bench.Storage;

/// <summary>
/// The storage suite (--suite storage), the engines themselves in this process, no Ferry server around them:
/// <code>
///   SqliteBackend (a file in DIR)        PostgresBackend A ──┐  one database on a throwaway server (initdb in DIR,
///                                        PostgresBackend B ──┘  loopback TCP, an ordinary owner role)
/// </code>
/// 1. set up  2. per operation and concurrency: both engines warm up, then take turns in slices  3. change-feed lag:
/// writes on A at a steady rate, watchers on B and on A; then the same on SQLite.
/// </summary>
internal sealed class StorageRun(BenchOptions options, string directory, IAnsiConsole console)
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgresql";

    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(0.5);

    public async Task<StorageReport> RunAsync(Disposables owned, CancellationToken ct)
    {
        // 1. Set up. When the bench is root the server runs as postgres and must reach its data directory through
        // the bench's temporary directory (mode 0700): both levels get search permission for others, nothing more.
        Step("PostgreSQL server (initdb into the temporary directory, a free loopback port)");
        Directory.CreateDirectory(directory);
        if (!OperatingSystem.IsWindows())
        {
            foreach (var level in new[] { Path.GetDirectoryName(Path.GetFullPath(directory))!, directory })
            {
                File.SetUnixFileMode(level, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
            }
        }

        var server = owned.Add(await PostgresServer.StartAsync(Path.Combine(directory, "postgres"), ct));
        var uri = await server.CreateDatabaseAsync("ferry_bench", ct);
        var postgresVersion = await server.DescribeAsync(ct);

        Step("backends: SqliteBackend on a file, PostgresBackend on the server");
        var sqlitePath = Path.Combine(directory, "sqlite", "backend.db");
        var sqlite = owned.Add(await SqliteBackend.OpenAsync(new SqliteBackendOptions { Path = sqlitePath }, TimeProvider.System, null, ct));
        var postgresA = owned.Add(await OpenPostgresAsync(uri, "a", ct));
        if (options.Hold)
        {
            console.WriteLine($"""
                Holding (Ctrl-C stops everything). Directory: {directory}
                  SQLite:     {sqlitePath}
                  PostgreSQL: {uri}   (superuser: psql -h {server.DataDirectory} -p {server.Port} -U postgres)
                """);
            await Task.Delay(Timeout.Infinite, ct);
        }

        // 2. Operations, one PostgresBackend instance (one auth server) against SQLite.
        var loadBefore = MachineInfo.LoadAverage();
        var rows = await MeasureOperationsAsync(sqlite, postgresA, ct);

        // 3. Change-feed lag.
        Step($"change-feed lag: {options.LagRate} writes/s for {options.LagDuration.TotalSeconds:0.#} s, PostgreSQL (instance A writes, watchers on B and A), then SQLite");
        var postgresB = owned.Add(await OpenPostgresAsync(uri, "b", ct));
        var lag = new List<WatchLagResult>();
        lag.AddRange(await WatchLag.MeasureAsync(postgresA,
            [
                ($"{Postgres}-other-instance", "PostgreSQL: write on instance A → watcher on instance B", postgresB),
                ($"{Postgres}-same-instance", "PostgreSQL: write on instance A → watcher on instance A", postgresA),
            ],
            "/bench/lag/", options.LagRate, options.LagDuration, ct));
        lag.AddRange(await WatchLag.MeasureAsync(sqlite, [(Sqlite, "SQLite: write → watcher in the same process", sqlite)], "/bench/lag/", options.LagRate, options.LagDuration, ct));

        return new StorageReport(loadBefore, MachineInfo.LoadAverage(), options.StorageDuration.TotalSeconds, WarmUp.TotalSeconds, options.StorageSlices,
            StorageOperations.ValueBytes, MachineInfo.FilesystemOf(directory), postgresVersion, rows, options.LagRate, lag);
    }

    /// <summary>
    /// Per operation and concurrency: each engine warms up, then they take turns in short slices until each has had
    /// the measured time, so a busy moment of the (shared) machine hits both alike.
    /// </summary>
    private async Task<List<StorageOperationRow>> MeasureOperationsAsync(IBackend sqlite, IBackend postgres, CancellationToken ct)
    {
        var slice = options.StorageDuration / options.StorageSlices;
        Step($"operations: per operation and concurrency {WarmUp.TotalSeconds:0.#} s warm-up each, then {options.StorageSlices} rounds of {slice.TotalSeconds:0.#} s on SQLite and PostgreSQL in turns");
        var rows = new List<StorageOperationRow>();
        foreach (var operation in StorageOperations.All)
        {
            foreach (var concurrency in options.StorageConcurrency)
            {
                console.MarkupLine($"[grey]  {Markup.Escape(operation.Name)}, {concurrency} client(s)[/]");
                var prefix = $"/bench/{operation.Key}/c{concurrency}/";
                var engines = new (string Key, Func<int, Func<CancellationToken, ValueTask>> CallOf)[]
                {
                    (Sqlite, await operation.PrepareAsync(sqlite, prefix, concurrency, ct)),
                    (Postgres, await operation.PrepareAsync(postgres, prefix, concurrency, ct)),
                };
                foreach (var engine in engines)
                {
                    await LoadRunner.RunAsync(concurrency, engine.CallOf, WarmUp, ct);
                }

                var samples = engines.ToDictionary(e => e.Key, _ => new List<LoadSample>());
                for (var round = 0; round < options.StorageSlices; round++)
                {
                    foreach (var engine in engines)
                    {
                        samples[engine.Key].Add(await LoadRunner.RunAsync(concurrency, engine.CallOf, slice, ct));
                    }
                }

                rows.Add(new StorageOperationRow(operation.Key, operation.Name, concurrency, LoadResult.Merge(concurrency, samples[Sqlite]), LoadResult.Merge(concurrency, samples[Postgres])));
            }
        }

        return rows;
    }

    /// <summary>A PostgresBackend as an auth server opens it, named in pg_stat_activity as ferry-bench-NAME.</summary>
    private static async Task<PostgresBackend> OpenPostgresAsync(string uri, string name, CancellationToken ct) => await PostgresBackend.OpenAsync(
        new PostgresBackendOptions { Connection = PostgresConnectionString.Parse($"{uri}&application_name=ferry-bench-{name}", "teleport.storage.conn_string") },
        TimeProvider.System, null, ct);

    private void Step(string what) => console.MarkupLine($"[blue]==>[/] {Markup.Escape(what)}");
}
