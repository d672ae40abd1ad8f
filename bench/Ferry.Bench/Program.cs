using System.Runtime.InteropServices;
using Ferry.Bench;
using Ferry.Bench.Infrastructure;
using Ferry.Bench.Report;
using Ferry.Bench.Storage;
using Spectre.Console;

// ferry-bench: Ferry's AWS API path against the same calls made directly (--suite aws, the default), and the storage
// engines, SQLite against PostgreSQL (--suite storage); --suite all runs both. Prints figures; never fails on them.
BenchOptions options;
try
{
    if (args.Contains("--help") || args.Contains("-h"))
    {
        Console.WriteLine(BenchOptions.Usage);
        return 0;
    }

    options = BenchOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync(e.Message + "\n" + BenchOptions.Usage);
    return 2;
}

using var stop = new CancellationTokenSource();
void OnSignal(PosixSignalContext context)
{
    context.Cancel = true; // stop everything we started first, then exit
    stop.Cancel();
}

using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
using var sighup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, OnSignal);

var console = AnsiConsole.Console;
if (Console.IsOutputRedirected)
{
    console.Profile.Width = Math.Max(console.Profile.Width, 170); // a log file has no width: keep the table on one line per row
}

var repo = Repo.Find();
var temp = Directory.CreateTempSubdirectory("ferry-bench-").FullName;
var keep = options.KeepTemp;
BenchReport report;
try
{
    // Each suite stops what it started before the next one begins, so its idle processes do not share the cores.
    var aws = options.RunsAws ? await SuiteAsync(owned => new BenchRun(options, repo, temp, console).RunAsync(owned, stop.Token)) : null;
    var storage = options.RunsStorage ? await SuiteAsync(owned => new StorageRun(options, Path.Combine(temp, "storage"), console).RunAsync(owned, stop.Token)) : null;
    report = new BenchReport(DateTimeOffset.UtcNow, MachineInfo.Current(aws?.LoadAverageBefore ?? storage?.LoadAverageBefore ?? MachineInfo.LoadAverage()), aws, storage);
}
catch (OperationCanceledException)
{
    console.MarkupLine("[yellow]Interrupted; everything it started has been stopped.[/]");
    return 130;
}
catch (Exception e)
{
    keep = true;
    console.MarkupLine($"[red]The benchmark failed:[/] {Markup.Escape(e.Message)}");
    console.MarkupLine($"Configs and logs are kept in {Markup.Escape(temp)}");
    return 1;
}
finally
{
    if (!keep)
    {
        try
        {
            Directory.Delete(temp, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

ReportPrinter.Print(console, report);
// One file per commit, so runs can be compared across commits; latest.json is always the last run.
var output = options.Output ?? Path.Combine(repo.Root, "bench", "results", (await Repo.ShortCommitAsync(repo.Root) ?? "uncommitted") + ".json");
await ReportJson.WriteAsync(report, output, CancellationToken.None);
if (options.Output is null)
{
    File.Copy(output, Path.Combine(repo.Root, "bench", "results", "latest.json"), overwrite: true);
}

console.MarkupLine($"[grey]JSON: {Markup.Escape(output)}[/]");
return 0;

static async Task<T> SuiteAsync<T>(Func<Disposables, Task<T>> run)
{
    await using var owned = new Disposables();
    return await run(owned);
}
