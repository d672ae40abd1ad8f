using Ferry.Storage.Sqlite;
using Ferry.Storage.Tests.Compliance;

namespace Ferry.Storage.Tests.Sqlite;

/// <summary>The compliance suite on the in-memory mode that other components' tests use.</summary>
public sealed class SqliteInMemoryBackendTests : BackendComplianceTests
{
    private const int TestWatchBuffer = 64;

    protected override int WatchOverflowWrites => TestWatchBuffer * 4;

    protected override async Task<IBackend> CreateBackendAsync(TimeProvider time) =>
        await SqliteBackend.OpenAsync(
            new SqliteBackendOptions { Path = SqliteBackendOptions.InMemory, WatchBufferSize = TestWatchBuffer }, time, logger: null, Ct);
}
