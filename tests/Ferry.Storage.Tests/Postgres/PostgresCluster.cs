using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Ferry.Storage.Postgres;
using Npgsql;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>
/// A throwaway PostgreSQL cluster for the test run: initdb (as the postgres OS user when the tests run as root, since
/// the server refuses to run as root) into a temp directory, a server on a free 127.0.0.1 port with its socket and
/// log inside the data directory, and an ordinary role <see cref="Role"/> (no superuser, no createdb, no replication)
/// that owns the test databases. Host connections need a password (scram-sha-256); the harness itself administers over
/// the Unix socket as the superuser. Each test class gets a database of its own, and each test a fresh schema in it
/// (a search_path in the URI), so every store the compliance suites open is empty.
/// Missing binaries fail every test with the reason; nothing is skipped.
/// </summary>
public sealed class PostgresCluster : IAsyncLifetime
{
    public const string Role = "ferry";
    private const string Superuser = "postgres";

    private readonly ConcurrentDictionary<Type, Lazy<Task<string>>> _classDatabases = new();
    private string _bin = "";
    private string _directory = "";
    private int _schemas;
    private int _databases;

    public string Password { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    public int Port { get; private set; }

    public string DataDirectory => Path.Combine(_directory, "data");

    private static bool IsRoot => Environment.UserName == "root";

    public async Task InitializeAsync()
    {
        _bin = FindBinaries();
        _directory = Path.Combine(Path.GetTempPath(), "ferry-pg-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(_directory);
        // The server runs as postgres: it must be able to traverse the parent of its data directory.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_directory, (UnixFileMode)0b111_101_101);
        }

        Directory.CreateDirectory(DataDirectory);
        if (IsRoot)
        {
            await RunAsync("chown", false, "postgres:postgres", DataDirectory);
        }

        Port = FreePort();
        await RunAsync(Path.Combine(_bin, "initdb"), IsRoot,
            "-D", DataDirectory, "-U", Superuser, "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "-N");
        // fsync=off: a test cluster needs no durability against power loss; a crash of the server (-m immediate) still
        // loses nothing that was committed, as the WAL is written to the kernel at every COMMIT.
        await RunAsync(Path.Combine(_bin, "pg_ctl"), IsRoot, "-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {Port} -k {DataDirectory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");
        await AdminAsync("postgres", $"CREATE ROLE {Role} LOGIN PASSWORD '{Password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;");
    }

    public async Task DisposeAsync()
    {
        if (_directory.Length == 0)
        {
            return;
        }

        try
        {
            NpgsqlConnection.ClearAllPools();
            if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
            {
                await RunAsync(Path.Combine(_bin, "pg_ctl"), IsRoot, "-D", DataDirectory, "-m", "immediate", "-w", "stop");
            }
        }
        finally
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>A new database owned by <see cref="Role"/> (or <paramref name="owner"/>); returns its name.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t", string owner = Role)
    {
        var name = $"{prefix}_{Interlocked.Increment(ref _databases)}";
        await AdminAsync("postgres", $"CREATE DATABASE {name} OWNER {owner};");
        return name;
    }

    /// <summary>
    /// The URI of an empty schema, owned by <see cref="Role"/>, in the database of <paramref name="testClass"/>
    /// (created on first use).
    /// </summary>
    public async Task<string> NewSchemaUriAsync(Type testClass, string applicationName = "ferry-test")
    {
        var database = await _classDatabases.GetOrAdd(testClass, _ => new Lazy<Task<string>>(() => CreateDatabaseAsync())).Value;
        var schema = $"s_{Interlocked.Increment(ref _schemas)}";
        await AdminAsync(database, $"CREATE SCHEMA {schema} AUTHORIZATION {Role};");
        return Uri(database, schema, applicationName);
    }

    /// <summary>A URI as teleport.yaml would hold it, logging in as <paramref name="user"/> over TCP.</summary>
    public string Uri(string database, string? schema = null, string applicationName = "ferry-test", string user = Role, string? password = null, int? port = null, string sslmode = "disable")
    {
        var uri = $"postgresql://{user}:{password ?? Password}@127.0.0.1:{port ?? Port}/{database}?sslmode={sslmode}&application_name={applicationName}";
        return schema is null ? uri : uri + $"&options=-csearch_path%3D{schema}";
    }

    public static PostgresConnectionString Parse(string uri, string setting = "teleport.storage.conn_string") => PostgresConnectionString.Parse(uri, setting);

    /// <summary>Runs <paramref name="sql"/> as the superuser over the Unix socket.</summary>
    public async Task AdminAsync(string database, string sql)
    {
        await using var connection = await OpenAdminAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> AdminScalarAsync<T>(string database, string sql)
    {
        await using var connection = await OpenAdminAsync(database);
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Ends every session whose application_name starts with <paramref name="applicationName"/>; returns how many.</summary>
    public Task<long> TerminateAsync(string applicationName) => AdminScalarAsync<long>("postgres",
        $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name LIKE '{applicationName}%';");

    public Task<long> SessionsAsync(string applicationName) => AdminScalarAsync<long>("postgres",
        $"SELECT count(*) FROM pg_stat_activity WHERE application_name LIKE '{applicationName}%';");

    /// <summary>pg_ctl restart: "fast" (clients disconnected, clean shutdown) or "immediate" (a crash, then recovery).</summary>
    public async Task RestartAsync(string mode)
    {
        await RunAsync(Path.Combine(_bin, "pg_ctl"), IsRoot, "-D", DataDirectory, "-m", mode, "-w", "-t", "60", "restart");
    }

    private async Task<NpgsqlConnection> OpenAdminAsync(string database)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = DataDirectory, Port = Port, Username = Superuser, Database = database, Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    private static string FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("FERRY_PG_BIN") is { Length: > 0 } configured)
        {
            candidates.Add(configured);
        }

        if (Directory.Exists("/usr/lib/postgresql"))
        {
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                .Select(d => Path.Combine(d, "bin")));
        }

        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "the PostgreSQL tests need the server binaries (initdb, pg_ctl), found neither under /usr/lib/postgresql/*/bin nor in FERRY_PG_BIN: " +
                "install Debian's postgresql package (scripts/test.sh does) or point FERRY_PG_BIN at their directory");
    }

    /// <summary>A loopback port nothing listens on (free when asked).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, bool asPostgres, params string[] arguments)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (asPostgres)
        {
            foreach (var prefix in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(prefix);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
        }
    }
}
