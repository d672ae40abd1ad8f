using Ferry.Storage.Audit;
using Ferry.Storage.Postgres;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>An audit schema of version 1 (before aws_service and aws_operation) is brought to version 2 on open.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditMigrationTests(PostgresCluster cluster) : PostgresTestBase(cluster)
{
    private static readonly DateTimeOffset T0 = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Open_Version1Schema_AddsServiceAndOperation_FilledFromTheEventsStoredBefore()
    {
        var schema = Uri[(Uri.IndexOf("%3D", StringComparison.Ordinal) + 3)..];
        var database = Uri.Split('/')[3].Split('?')[0];
        var time = AuditSql.ToStoredTime(T0);

        // What the first release left: its one audit step, recorded as version 1, owned by the ordinary role.
        await Cluster.AdminAsync(database, $$"""
            SET ROLE {{PostgresCluster.Role}};
            SET search_path = {{schema}};
            {{PostgresAuditSchema.Steps[0]}}
            CREATE TABLE ferry_schema_version (component text NOT NULL PRIMARY KEY, version integer NOT NULL);
            INSERT INTO ferry_schema_version VALUES ('audit', 1);
            INSERT INTO audit_events VALUES
                ({{time}}, 'put', 'app.session.request', 'alice', true, convert_to('{"event":"app.session.request","aws_service":"S3","aws_operation":"PutObject"}', 'UTF8')),
                ({{time}}, 'get', 'app.session.dynamodb.request', 'alice', true, convert_to('{"aws_service":"dynamodb","aws_operation":"GetItem"}', 'UTF8')),
                ({{time}}, 'login', 'user.login', 'alice', true, convert_to('{"event":"user.login"}', 'UTF8')),
                ({{time}}, 'number', 'app.session.request', 'alice', true, convert_to('{"aws_service":5,"aws_operation":["x"]}', 'UTF8'));
            """);

        var store = await PostgresAuditStore.OpenAsync(
            PostgresAuditStoreOptions.FromUri(Uri, "teleport.storage.audit_events_uri"), TimeProvider.System, logger: null, Ct);
        CloseWithTest(store);

        var all = (await store.SearchAsync(new AuditQuery(), Ct)).Records.ToDictionary(r => r.Id);
        Assert.Equal(4, all.Count);
        Assert.Equal(("s3", "PutObject"), (all["put"].Service, all["put"].Operation)); // the service lowercased, as the audit log writes it
        Assert.Equal(("dynamodb", "GetItem"), (all["get"].Service, all["get"].Operation));
        Assert.All(new[] { "login", "number" }, id => Assert.Equal((null, null), (all[id].Service, all[id].Operation)));
        Assert.Equal(["put"], (await store.SearchAsync(new AuditQuery { Services = ["s3"] }, Ct)).Records.Select(r => r.Id));
        Assert.Equal(["get"], (await store.SearchAsync(new AuditQuery { Operations = ["GetItem"] }, Ct)).Records.Select(r => r.Id));
        Assert.Equal(2, await Cluster.AdminScalarAsync<int>(database, $"SELECT version FROM {schema}.ferry_schema_version WHERE component = 'audit';"));
        Assert.Equal(2L, await Cluster.AdminScalarAsync<long>(database,
            $"SELECT count(*) FROM pg_indexes WHERE schemaname = '{schema}' AND indexname IN ('audit_events_service', 'audit_events_operation');"));
    }
}
