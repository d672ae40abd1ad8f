using Ferry.Core.Errors;
using Ferry.Storage.Postgres;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>
/// What an operator reads when the database cannot be used: each message names the teleport.yaml key and the target,
/// says what is wrong and what to do, and never holds the password (nor does the exception's whole text).
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresOpenErrorTests(PostgresCluster cluster) : PostgresTestBase(cluster)
{
    private const string Backend = "teleport.storage.conn_string";
    private const string Audit = "teleport.storage.audit_events_uri";

    [Fact]
    public async Task Open_NothingListensOnThePort_SaysUnreachable()
    {
        var database = await Cluster.CreateDatabaseAsync();

        var error = await OpenFailsAsync(ErrorKind.Unavailable, Cluster.Uri(database, port: PostgresCluster.FreePort()), Cluster.Password);

        Assert.Contains("cannot reach PostgreSQL at 127.0.0.1:", error.Message, StringComparison.Ordinal);
        Assert.Contains("connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_WrongPassword_SaysTheLoginWasRefused()
    {
        var database = await Cluster.CreateDatabaseAsync();
        const string wrong = "not-the-password-4711";

        var error = await OpenFailsAsync(ErrorKind.AccessDenied, Cluster.Uri(database, password: wrong), wrong);

        Assert.Contains("refused the login of user \"ferry\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("password", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_RoleWithoutCreateRights_SaysWhatRightIsMissing()
    {
        // A database owned by someone else: PostgreSQL 15 lets only the owner create in its public schema.
        const string password = "reader-secret-0815";
        await Cluster.AdminAsync("postgres", $"""
            DO $$ BEGIN
                IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'ferry_reader') THEN
                    CREATE ROLE ferry_reader LOGIN PASSWORD '{password}' NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION;
                END IF;
            END $$;
            """);
        var database = await Cluster.CreateDatabaseAsync("foreign", owner: "postgres");

        var error = await OpenFailsAsync(ErrorKind.AccessDenied, Cluster.Uri(database, user: "ferry_reader", password: password), password);

        Assert.Contains("user \"ferry_reader\" may not create or use Ferry's tables", error.Message, StringComparison.Ordinal);
        Assert.Contains($"ALTER DATABASE {database} OWNER TO ferry_reader", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_VerifyFullAgainstAServerWithoutTls_SaysTlsIsMissing()
    {
        var database = await Cluster.CreateDatabaseAsync();

        var error = await OpenFailsAsync(ErrorKind.Unavailable, Cluster.Uri(database, sslmode: "verify-full"), Cluster.Password);

        Assert.Contains("TLS", error.Message, StringComparison.Ordinal);
        Assert.Contains("sslmode is verify-full", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_MissingDatabase_SaysHowToCreateIt()
    {
        var error = await OpenFailsAsync(ErrorKind.BadParameter, Cluster.Uri("no_such_db"), Cluster.Password);

        Assert.Contains("database \"no_such_db\" does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("CREATE DATABASE no_such_db OWNER ferry", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenAuditStore_WrongPassword_NamesTheAuditSetting()
    {
        var database = await Cluster.CreateDatabaseAsync();
        const string wrong = "audit-wrong-1234";

        var error = await AssertFailsAsync(ErrorKind.AccessDenied, async () => await PostgresAuditStore.OpenAsync(
            PostgresAuditStoreOptions.FromUri(Cluster.Uri(database, password: wrong), Audit), TimeProvider.System, logger: null, Ct));

        Assert.Contains(Audit, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, error.ToString(), StringComparison.Ordinal);
    }

    private async Task<FerryException> OpenFailsAsync(ErrorKind kind, string uri, string password)
    {
        var error = await AssertFailsAsync(kind, async () => await PostgresBackend.OpenAsync(
            new PostgresBackendOptions { Connection = PostgresCluster.Parse(uri, Backend) }, TimeProvider.System, logger: null, Ct));
        Assert.Contains(Backend, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(password, error.ToString(), StringComparison.Ordinal);
        return error;
    }
}
