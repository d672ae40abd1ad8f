using System.Globalization;
using Ferry.Bench.Cli;
using Ferry.Bench.Load;
using Spectre.Console;

namespace Ferry.Bench.Report;

/// <summary>
/// The run's figures: for the AWS suite a table, a per-hop split and the CLI lines; for the storage suite
/// (ReportPrinter.Storage.cs) the operations table and the change-feed lag.
/// </summary>
internal static partial class ReportPrinter
{
    public static void Print(IAnsiConsole console, BenchReport report)
    {
        console.WriteLine();
        console.MarkupLine($"[bold]Ferry benchmark[/] {report.Time:yyyy-MM-dd HH:mm}Z, {Markup.Escape(report.Machine.ToString())}");
        if (report.Aws is { } aws)
        {
            console.MarkupLine($"[grey]GetItem with AWSSDK.DynamoDBv2: per path and concurrency {aws.WarmUpSeconds:0.#} s warm-up, then {aws.DurationSeconds:0.#} s measured in {aws.Slices} slices taken in turns with the other paths; latencies in ms[/]");
            PrintGetItem(console, aws);
            PrintCpu(console, aws);
            PrintHops(console, aws);
            PrintCli(console, aws);
            PrintIssuance(console, aws);
            PrintUpload(console, aws);
        }

        if (report.Storage is { } storage)
        {
            PrintStorage(console, storage);
        }
    }

    private static void PrintGetItem(IAnsiConsole console, AwsReport report)
    {
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Scenario");
        table.AddColumn(new TableColumn("Clients").RightAligned());
        table.AddColumn(new TableColumn("Direct req/s").RightAligned());
        table.AddColumn(new TableColumn("Ferry req/s").RightAligned());
        table.AddColumn(new TableColumn("Ratio").RightAligned());
        table.AddColumn(new TableColumn("Direct p50/p99").RightAligned());
        table.AddColumn(new TableColumn("Ferry p50/p99").RightAligned());
        table.AddColumn(new TableColumn("Added p50/p99").RightAligned());
        table.AddColumn("Target");
        foreach (var row in report.GetItem)
        {
            table.AddRow(
                Markup.Escape(row.Scenario) + (row.Diagnostic ? " [grey](diagnostic)[/]" : ""),
                row.Concurrency.ToString(CultureInfo.InvariantCulture),
                Rate(row.Direct.RequestsPerSecond),
                Rate(row.Ferry.RequestsPerSecond),
                row.Ratio.ToString("0.00", CultureInfo.InvariantCulture),
                Pair(row.Direct.P50Ms, row.Direct.P99Ms),
                Pair(row.Ferry.P50Ms, row.Ferry.P99Ms),
                Pair(row.AddedP50Ms, row.AddedP99Ms, signed: true),
                Verdict(row.Target));
        }

        console.Write(table);
        foreach (var row in report.GetItem.Where(r => r.Direct.Errors + r.Ferry.Errors > 0))
        {
            console.MarkupLine($"[yellow]errors[/] {Markup.Escape(row.Scenario)}, {row.Concurrency} clients: direct {row.Direct.Errors}, Ferry {row.Ferry.Errors}: {Markup.Escape(row.Ferry.FirstError ?? row.Direct.FirstError ?? "")}");
        }
    }

    /// <summary>CPU per request by process group: on two shared cores, throughput is CPU per request.</summary>
    private static void PrintCpu(IAnsiConsole console, AwsReport report)
    {
        var concurrency = report.GetItem.Select(r => r.Concurrency).DefaultIfEmpty(0).Max();
        var rows = report.GetItem.Where(r => r.Concurrency == concurrency && r.Upstream == "static").ToList();
        if (rows.Count == 0)
        {
            return;
        }

        console.WriteLine();
        console.MarkupLine($"[bold]CPU per request[/] (static upstream, {concurrency} clients; µs of CPU per GetItem, user + system, by process)");
        var groups = CpuGroups.All.Where(g => g != CpuGroups.Moto).ToList();
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Path");
        foreach (var group in groups)
        {
            table.AddColumn(new TableColumn(Markup.Escape(group)).RightAligned());
        }

        table.AddColumn(new TableColumn("total").RightAligned());
        table.AddColumn(new TableColumn("cores busy").RightAligned());
        void Add(string name, Load.LoadResult result)
        {
            var cells = new List<string> { Markup.Escape(name) };
            cells.AddRange(groups.Select(g => Micro(result.CpuMsPerRequest.GetValueOrDefault(g))));
            var total = result.CpuMsPerRequest.Values.Sum();
            cells.Add(Micro(total));
            cells.Add((total * result.RequestsPerSecond / 1000).ToString("0.00", CultureInfo.InvariantCulture));
            table.AddRow(cells.ToArray());
        }

        Add("direct", rows[0].Direct);
        foreach (var row in rows)
        {
            Add(row.Scenario, row.Ferry);
        }

        console.Write(table);
    }

    private static void PrintHops(IAnsiConsole console, AwsReport report)
    {
        var direct = report.Hops.FirstOrDefault(h => h.Key == "direct");
        if (direct is null)
        {
            return;
        }

        console.WriteLine();
        console.MarkupLine("[bold]Where the time goes[/]: one client, static upstream as the probe, medians in ms "
            + "(request leg = client start → upstream arrival; response leg = upstream answer → client end)");
        var table = new Table().Border(TableBorder.Rounded);
        table.AddColumn("Path");
        foreach (var column in new[] { "Request leg", "Upstream", "Response leg", "Call", "Added request", "Added response" })
        {
            table.AddColumn(new TableColumn(column).RightAligned());
        }

        foreach (var hop in report.Hops)
        {
            var legs = hop.Legs;
            var isDirect = hop.Key == "direct";
            table.AddRow(
                Markup.Escape(hop.Path),
                Ms(legs.RequestMs),
                Ms(legs.UpstreamMs),
                Ms(legs.ResponseMs),
                Ms(legs.TotalMs),
                isDirect ? "" : Signed(legs.RequestMs - direct.Legs.RequestMs),
                isDirect ? "" : Signed(legs.ResponseMs - direct.Legs.ResponseMs));
        }

        console.Write(table);
        var full = report.Hops.FirstOrDefault(h => h.Key == ScenarioKeys.StaticEndpointUrl);
        var noTsh = report.Hops.FirstOrDefault(h => h.Key == ScenarioKeys.StaticNoTsh);
        if (full is not null && noTsh is not null)
        {
            console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  split of the endpoint-URL call: proxy + tunnel + agent {noTsh.Legs.TotalMs - direct.Legs.TotalMs:+0.00;-0.00} ms, tsh local proxy {full.Legs.TotalMs - noTsh.Legs.TotalMs:+0.00;-0.00} ms"));
        }
    }

    private static void PrintIssuance(IAnsiConsole console, AwsReport report)
    {
        if (report.Issuance is not { } issuance)
        {
            return;
        }

        console.WriteLine();
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]tsh apps login issuance[/] ({issuance.Callers} concurrent callers, auth + proxy in one process on the shared cores): {issuance.PerSecond:0}/s, {issuance.Failed} failed  {Verdict(Targets.ForIssuance(issuance.PerSecond))}"));
    }

    private static void PrintUpload(IAnsiConsole console, AwsReport report)
    {
        if (report.Upload is not { } upload)
        {
            return;
        }

        console.WriteLine();
        var memory = string.Join(", ", upload.Memory.Select(m => string.Create(CultureInfo.InvariantCulture, $"{m.Process} {m.BeforeMb:0} → {m.PeakMb:0} MB")));
        console.MarkupLine(Markup.Escape(string.Create(CultureInfo.InvariantCulture,
            $"1 GiB chunk-signed PutObject: {upload.Seconds:0.0} s ({upload.MbPerSecond:0} MB/s); resident memory before → peak: {memory}")) + "  "
            + Verdict(Targets.ForUpload(upload.Memory.Max(m => m.GrowthMb))));
    }

    private static void PrintCli(IAnsiConsole console, AwsReport report)
    {
        if (report.Cli.Count == 0)
        {
            return;
        }

        console.WriteLine();
        console.MarkupLine($"[bold]CLI wall time[/] (median of {report.Cli[0].Runs} runs, min–max; aws = {Markup.Escape(report.AwsCli ?? "?")})");
        var direct = report.CliTiming(CliKeys.AwsDirect);
        foreach (var timing in report.Cli)
        {
            var extra = "";
            if (direct is not null && timing.Key == CliKeys.TshAws)
            {
                var added = timing.MedianMs - direct.MedianMs;
                extra = string.Create(CultureInfo.InvariantCulture, $"  {added:+0;-0} ms vs direct");
                if (timing.Key == CliKeys.TshAws)
                {
                    extra += "  " + Verdict(Targets.ForCli(added));
                }
            }
            else if (timing.Key is CliKeys.TshVersion or CliKeys.TshStatus)
            {
                extra = "  " + Verdict(Targets.ForTshStart(timing.MedianMs));
            }

            console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                $"  {timing.MedianMs,7:0} ms  [grey]({timing.MinMs:0}–{timing.MaxMs:0})[/]  {Markup.Escape(timing.Command)}{extra}"));
        }
    }

    private static string Micro(double milliseconds) => (milliseconds * 1000).ToString("0", CultureInfo.InvariantCulture);

    private static string Ms(double value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    private static string Signed(double value) => value.ToString("+0.00;-0.00", CultureInfo.InvariantCulture);

    private static string Rate(double value) => value.ToString("0", CultureInfo.InvariantCulture);

    private static string Pair(double p50, double p99, bool signed = false) => signed
        ? string.Create(CultureInfo.InvariantCulture, $"{p50:+0.00;-0.00} / {p99:+0.00;-0.00}")
        : string.Create(CultureInfo.InvariantCulture, $"{p50:0.00} / {p99:0.00}");

    private static string Verdict(TargetCheck? check) => check is null
        ? ""
        : check.Pass ? $"[green]PASS[/] {Markup.Escape(check.Target)}" : $"[red]FAIL[/] {Markup.Escape(check.Target)}";
}
