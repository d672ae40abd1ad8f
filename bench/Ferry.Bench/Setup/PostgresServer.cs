using System.Security.Cryptography;
using Ferry.Bench.Infrastructure;
using Npgsql;

namespace Ferry.Bench.Setup;

/// <summary>
/// A throwaway PostgreSQL server for the storage suite, started the way tests/Ferry.Storage.Tests/Postgres/PostgresCluster.cs
/// starts the tests' one. This is a compact bench-local equivalent rather than a reference to the test project (which
/// would pull xunit into the bench) or a move of that helper (the two share little beyond the initdb and pg_ctl
/// command lines): initdb into DIR (as the postgres OS user when the bench runs as root: the server refuses root),
/// a server on a free 127.0.0.1 port with its socket and log in DIR, the ordinary role <see cref="Role"/> (no
/// superuser, no createdb, no replication) owning the database, password logins over TCP as auth servers make them;
/// administration as the superuser over the Unix socket. Unlike the tests' cluster it keeps PostgreSQL's durability
/// defaults (fsync and synchronous_commit on), so a commit costs what it costs in production.
/// </summary>
internal sealed class PostgresServer : IAsyncDisposable
{
    public const string Role = "ferry";
    private const string Superuser = "postgres";

    private static readonly bool AsPostgres = Environment.UserName == "root";

    private readonly string _bin;
    private readonly string _password = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    private PostgresServer(string bin, string dataDirectory, int port)
    {
        _bin = bin;
        DataDirectory = dataDirectory;
        Port = port;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    /// <summary>Starts a server in <paramref name="dataDirectory"/> (which must not exist yet; its parents must be traversable by postgres).</summary>
    public static async Task<PostgresServer> StartAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var server = new PostgresServer(FindBinaries(), dataDirectory, FreePort.Next());
        Directory.CreateDirectory(dataDirectory);
        if (AsPostgres)
        {
            (await Run.CommandAsync("chown", [$"{Superuser}:{Superuser}", dataDirectory], ChildEnvironment.Clean(), cancellationToken)).EnsureSuccess("chown of the data directory");
        }

        await server.PgAsync("initdb", ["-D", dataDirectory, "-U", Superuser, "-E", "UTF8", "--locale=C", "--auth-local=trust", "--auth-host=scram-sha-256", "-N"], cancellationToken);
        await server.PgAsync("pg_ctl", ["-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"), "-w", "-t", "60",
            "-o", $"-p {server.Port} -k {dataDirectory} -c listen_addresses=127.0.0.1", "start"], cancellationToken);
        await server.AdminAsync("postgres", $"CREATE ROLE {Role} LOGIN PASSWORD '{server._password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;", cancellationToken);
        return server;
    }

    /// <summary>Creates <paramref name="name"/> owned by <see cref="Role"/>; returns its URI as teleport.yaml would hold it.</summary>
    public async Task<string> CreateDatabaseAsync(string name, CancellationToken cancellationToken)
    {
        await AdminAsync("postgres", $"CREATE DATABASE {name} OWNER {Role};", cancellationToken);
        return $"postgresql://{Role}:{_password}@127.0.0.1:{Port}/{name}?sslmode=disable";
    }

    /// <summary>Version and the settings a commit's cost depends on, for the report.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenAdminAsync("postgres", cancellationToken);
        await using var command = new NpgsqlCommand(
            "SELECT 'PostgreSQL ' || split_part(current_setting('server_version'), ' ', 1) || ', fsync ' || current_setting('fsync') || ', synchronous_commit ' || current_setting('synchronous_commit');",
            connection);
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (File.Exists(Path.Combine(DataDirectory, "postmaster.pid")))
        {
            await PgAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "-t", "30", "stop"], CancellationToken.None);
        }
    }

    private async Task AdminAsync(string database, string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAdminAsync(database, cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<NpgsqlConnection> OpenAdminAsync(string database, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder
        {
            Host = DataDirectory, Port = Port, Username = Superuser, Database = database, Pooling = false,
        }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    /// <summary>Runs a server binary, through runuser as postgres when the bench is root.</summary>
    private async Task PgAsync(string binary, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var file = Path.Combine(_bin, binary);
        var result = AsPostgres
            ? await Run.CommandAsync("runuser", ["-u", Superuser, "--", file, .. args], ChildEnvironment.Clean(), cancellationToken, workingDirectory: DataDirectory)
            : await Run.CommandAsync(file, args, ChildEnvironment.Clean(), cancellationToken, workingDirectory: DataDirectory);
        result.EnsureSuccess($"{binary} (log: {Path.Combine(DataDirectory, "server.log")})");
    }

    /// <summary>FERRY_PG_BIN, else the newest /usr/lib/postgresql/*/bin (Debian's layout), as the tests look.</summary>
    private static string FindBinaries()
    {
        var candidates = (Environment.GetEnvironmentVariable("FERRY_PG_BIN") is { Length: > 0 } configured ? [configured] : Array.Empty<string>())
            .Concat(Directory.Exists("/usr/lib/postgresql")
                ? Directory.GetDirectories("/usr/lib/postgresql").OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0).Select(d => Path.Combine(d, "bin"))
                : []);
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException(
                "the storage suite needs the PostgreSQL server binaries (initdb, pg_ctl), found neither under /usr/lib/postgresql/*/bin nor in FERRY_PG_BIN: " +
                "install Debian's postgresql package (scripts/test.sh does) or point FERRY_PG_BIN at their directory");
    }
}
