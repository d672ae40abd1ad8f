using Ferry.Storage.Audit;
using Ferry.Storage.Postgres;
using Ferry.Storage.Tests.Compliance;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>The audit compliance suite, unchanged, on PostgreSQL as the ordinary role.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAuditStoreTests(PostgresCluster cluster) : AuditStoreComplianceTests
{
    protected override async Task<IAuditStore> CreateStoreAsync(TimeProvider time) =>
        await PostgresAuditStore.OpenAsync(
            PostgresAuditStoreOptions.FromUri(await cluster.NewSchemaUriAsync(GetType()), "teleport.storage.audit_events_uri"),
            time, logger: null, Ct);
}
