using System.Text;
using Ferry.Core.Errors;
using Ferry.Storage.Audit;
using Ferry.Storage.Sqlite;
using Ferry.Storage.Tests.Compliance;
using Microsoft.Data.Sqlite;

namespace Ferry.Storage.Tests.Sqlite;

/// <summary>The audit compliance suite on a database file, plus what only a file can show: permissions and reopening.</summary>
public sealed class SqliteAuditStoreTests : AuditStoreComplianceTests
{
    private readonly string _directory = SqliteTestFiles.NewDirectory("ferry-audit-");

    private string DatabasePath => Path.Combine(_directory, "log", "audit.db");

    protected override async Task<IAuditStore> CreateStoreAsync(TimeProvider time) => await OpenAsync();

    protected override Task CleanupAsync()
    {
        SqliteTestFiles.Delete(_directory);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Open_CreatesDirectoryAndOwnerOnlyFilesInWalMode()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        await Store.AppendAsync([Record("e1", T0)], Ct);

        SqliteTestFiles.AssertOwnerOnlyInWalMode(DatabasePath);
    }

    [Fact]
    public async Task Reopen_KeepsEventsAndCursors()
    {
        await Store.AppendAsync(Records(5, T0), Ct);
        var first = await Store.SearchAsync(new AuditQuery { Limit = 2 }, Ct);
        await Store.DisposeAsync();

        await using var reopened = await OpenAsync();

        var rest = await reopened.SearchAsync(new AuditQuery { Limit = 10, Cursor = first.NextCursor }, Ct);
        Assert.Equal(["r0002", "r0001", "r0000"], rest.Records.Select(r => r.Id));
    }

    [Fact]
    public async Task Dispose_RefusesCallsWithUnavailable()
    {
        await Store.DisposeAsync();

        await AssertFailsAsync(ErrorKind.Unavailable, async () => await Store.SearchAsync(new AuditQuery(), Ct));
        await AssertFailsAsync(ErrorKind.Unavailable, async () => await Store.AppendAsync([Record("e1", T0)], Ct));
    }

    [Fact]
    public async Task Open_FileThatIsNotADatabase_ThrowsUnavailable()
    {
        await Store.DisposeAsync();
        await SqliteTestFiles.ReplaceWithGarbageAsync(DatabasePath, Ct);

        await AssertFailsAsync(ErrorKind.Unavailable, async () => await OpenAsync());
    }

    [Fact]
    public async Task Open_Version1File_AddsServiceAndOperation_FilledFromTheEventsStoredBefore()
    {
        // A file as the first release wrote it: no aws_service or aws_operation columns.
        var path = Path.Combine(_directory, "v1", "audit.db");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var time = AuditSql.ToStoredTime(T0);
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync(Ct);
            await using var command = connection.CreateCommand();
            command.CommandText = $$"""
                CREATE TABLE audit_events (
                    event_time INTEGER NOT NULL, event_id TEXT NOT NULL, event_type TEXT NOT NULL, user_name TEXT NULL,
                    success INTEGER NOT NULL, event_json BLOB NOT NULL, PRIMARY KEY (event_time, event_id));
                CREATE INDEX audit_events_type ON audit_events (event_type, event_time, event_id);
                CREATE INDEX audit_events_user ON audit_events (user_name, event_time, event_id);
                INSERT INTO audit_events VALUES
                    ({{time}}, 'put', 'app.session.request', 'alice', 1, CAST('{"event":"app.session.request","aws_service":"S3","aws_operation":"PutObject"}' AS BLOB)),
                    ({{time}}, 'get', 'app.session.dynamodb.request', 'alice', 1, CAST('{"aws_service":"dynamodb","aws_operation":"GetItem"}' AS BLOB)),
                    ({{time}}, 'login', 'user.login', 'alice', 1, CAST('{"event":"user.login"}' AS BLOB)),
                    ({{time}}, 'number', 'app.session.request', 'alice', 1, CAST('{"aws_service":5,"aws_operation":["x"]}' AS BLOB)),
                    ({{time}}, 'not-json', 'app.session.request', 'alice', 1, CAST('"aws_service": not JSON' AS BLOB));
                PRAGMA user_version = 1;
                """;
            await command.ExecuteNonQueryAsync(Ct);
        }

        await using var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { Path = path }, Time, logger: null, Ct);

        var all = (await store.SearchAsync(new AuditQuery(), Ct)).Records.ToDictionary(r => r.Id);
        Assert.Equal(5, all.Count);
        Assert.Equal(("s3", "PutObject"), (all["put"].Service, all["put"].Operation)); // the service lowercased, as the audit log writes it
        Assert.Equal(("dynamodb", "GetItem"), (all["get"].Service, all["get"].Operation));
        Assert.All(new[] { "login", "number", "not-json" }, id => Assert.Equal((null, null), (all[id].Service, all[id].Operation)));
        Assert.Equal(["put"], (await store.SearchAsync(new AuditQuery { Services = ["s3"] }, Ct)).Records.Select(r => r.Id));
        Assert.Equal(["get"], (await store.SearchAsync(new AuditQuery { Operations = ["GetItem"] }, Ct)).Records.Select(r => r.Id));
        Assert.Equal("\"aws_service\": not JSON", Encoding.UTF8.GetString(all["not-json"].Json.Span)); // bodies stay as stored

        // New events carry the columns as well, and the file says version 2.
        await store.AppendAsync([AwsRecord("new", T0.AddSeconds(1), "s3", "PutObject")], Ct);
        Assert.Equal(["new", "put"], (await store.SearchAsync(new AuditQuery { Operations = ["PutObject"] }, Ct)).Records.Select(r => r.Id));
        await store.DisposeAsync();
        await using var check = new SqliteConnection($"Data Source={path};Pooling=False");
        await check.OpenAsync(Ct);
        await using var version = check.CreateCommand();
        version.CommandText = "PRAGMA user_version;";
        Assert.Equal(2L, await version.ExecuteScalarAsync(Ct));
    }

    private async Task<IAuditStore> OpenAsync() =>
        await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { Path = DatabasePath }, Time, logger: null, Ct);
}
