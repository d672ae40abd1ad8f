using System.Globalization;
using Ferry.Bench.Storage;
using Spectre.Console;

namespace Ferry.Bench.Report;

/// <summary>The storage suite's figures: operations per engine and concurrency, then the change-feed lag.</summary>
internal static partial class ReportPrinter
{
    private static void PrintStorage(IAnsiConsole console, StorageReport report)
    {
        console.WriteLine();
        console.MarkupLine($"[bold]Storage engines[/] in the bench process: SqliteBackend (a file, {Markup.Escape(report.Filesystem)}) and PostgresBackend ({Markup.Escape(report.Postgres)}, loopback TCP); "
            + $"load average {Markup.Escape(report.LoadAverageBefore)} before, {Markup.Escape(report.LoadAverageAfter)} after");
        console.MarkupLine($"[grey]Backend calls with {report.ValueBytes}-byte values: per operation and concurrency {report.WarmUpSeconds:0.#} s warm-up, then {report.DurationSeconds:0.#} s measured in {report.Slices} slices that the engines take in turns; latencies in ms[/]");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Operation");
        foreach (var column in new[] { "Clients", "SQLite op/s", "PostgreSQL op/s", "PG ÷ SQLite", "SQLite p50/p99", "PostgreSQL p50/p99" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var row in report.Operations)
        {
            table.AddRow(
                Markup.Escape(row.Operation),
                row.Concurrency.ToString(CultureInfo.InvariantCulture),
                Rate(row.Sqlite.RequestsPerSecond),
                Rate(row.Postgres.RequestsPerSecond),
                row.Ratio.ToString("0.000", CultureInfo.InvariantCulture),
                Pair(row.Sqlite.P50Ms, row.Sqlite.P99Ms),
                Pair(row.Postgres.P50Ms, row.Postgres.P99Ms));
        }

        console.Write(table);
        foreach (var row in report.Operations.Where(r => r.Sqlite.Errors + r.Postgres.Errors > 0))
        {
            console.MarkupLine($"[yellow]errors[/] {Markup.Escape(row.Operation)}, {row.Concurrency} clients: SQLite {row.Sqlite.Errors}, PostgreSQL {row.Postgres.Errors}: {Markup.Escape(row.Postgres.FirstError ?? row.Sqlite.FirstError ?? "")}");
        }

        console.WriteLine();
        console.MarkupLine($"[bold]Change-feed lag[/]: one writer putting at {report.LagRate}/s on {WatchLag.Keys} keys; lag = the put returning → the event reaching the watcher, ms "
            + "(below 0: the event came first); lost / out of order / duplicated per key, against what was written");
        var lag = new Table().Border(TableBorder.Rounded);
        lag.AddColumn("Path");
        foreach (var column in new[] { "Writes", "Writes/s", "Received", "Lost", "Out of order", "Duplicated", "p50", "p99", "max" })
        {
            lag.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var row in report.Lag)
        {
            lag.AddRow(
                Markup.Escape(row.Path),
                row.Writes.ToString(CultureInfo.InvariantCulture),
                Rate(row.WritesPerSecond),
                row.Received.ToString(CultureInfo.InvariantCulture),
                Count(row.Lost),
                Count(row.OutOfOrder),
                Count(row.Duplicated),
                Ms(row.P50Ms),
                Ms(row.P99Ms),
                Ms(row.MaxMs));
        }

        console.Write(lag);
        foreach (var row in report.Lag.Where(r => r.Problem is not null || r.WriteErrors + r.Foreign > 0))
        {
            console.MarkupLine($"[yellow]{Markup.Escape(row.Path)}[/]: {row.WriteErrors} failed writes, {row.Foreign} events not written by the bench; {Markup.Escape(row.Problem ?? "")}");
        }
    }

    /// <summary>A count that should be 0: red when it is not.</summary>
    private static string Count(long value) => value == 0 ? "0" : $"[red]{value.ToString(CultureInfo.InvariantCulture)}[/]";
}
