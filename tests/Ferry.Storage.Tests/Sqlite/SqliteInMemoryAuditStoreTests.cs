using Ferry.Storage.Audit;
using Ferry.Storage.Sqlite;
using Ferry.Storage.Tests.Compliance;

namespace Ferry.Storage.Tests.Sqlite;

/// <summary>The audit compliance suite on the in-memory mode that other components' tests use.</summary>
public sealed class SqliteInMemoryAuditStoreTests : AuditStoreComplianceTests
{
    protected override async Task<IAuditStore> CreateStoreAsync(TimeProvider time) =>
        await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { Path = SqliteBackendOptions.InMemory }, time, logger: null, Ct);
}
