using Ferry.Storage.Postgres;
using Ferry.Storage.Tests.Compliance;

namespace Ferry.Storage.Tests.Postgres;

/// <summary>
/// The compliance suite, unchanged, on PostgreSQL as the ordinary role. The suite drives expiry with a fake clock; this
/// backend decides expiry by the database's clock, so here the database clock is shifted by as much as the fake clock
/// is ahead (<see cref="PostgresBackendOptions.ShiftDatabaseClockByTimeProvider"/>): expiry is still evaluated in SQL.
/// PostgresExpiryTests shows the unshifted clock ignores the process's TimeProvider.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBackendTests(PostgresCluster cluster) : BackendComplianceTests
{
    private const int TestWatchBuffer = 64;

    protected override int WatchOverflowWrites => TestWatchBuffer * 4;

    protected override async Task<IBackend> CreateBackendAsync(TimeProvider time) =>
        await PostgresBackend.OpenAsync(
            new PostgresBackendOptions
            {
                Connection = PostgresCluster.Parse(await cluster.NewSchemaUriAsync(GetType())),
                WatchBufferSize = TestWatchBuffer,
                ShiftDatabaseClockByTimeProvider = true,
            },
            time, logger: null, Ct);
}
