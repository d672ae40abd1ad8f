using Ferry.Bench.Load;
using Ferry.Bench.Storage;

namespace Ferry.Bench.Report;

/// <summary>The storage suite: backend operations on SQLite and PostgreSQL, and change-feed lag.</summary>
internal sealed record StorageReport(
    string LoadAverageBefore,
    string LoadAverageAfter,
    double DurationSeconds,
    double WarmUpSeconds,
    int Slices,
    int ValueBytes,
    string Filesystem,
    string Postgres,
    IReadOnlyList<StorageOperationRow> Operations,
    int LagRate,
    IReadOnlyList<WatchLagResult> Lag);

/// <summary>One operation at one concurrency on both engines.</summary>
internal sealed record StorageOperationRow(string Key, string Operation, int Concurrency, LoadResult Sqlite, LoadResult Postgres)
{
    /// <summary>PostgreSQL operations per second ÷ SQLite's.</summary>
    public double Ratio => Postgres.RequestsPerSecond / Sqlite.RequestsPerSecond;
}
