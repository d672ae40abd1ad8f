using System.Text.Json;
using System.Text.Json.Nodes;
using Ferry.Bench.Cli;

namespace Ferry.Bench.Report;

/// <summary>The same figures as the table, for closing notes and comparisons between runs.</summary>
internal static class ReportJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task WriteAsync(BenchReport report, string path, CancellationToken cancellationToken)
    {
        var root = new JsonObject
        {
            ["time"] = report.Time,
            ["machine"] = JsonSerializer.SerializeToNode(report.Machine, Options),
        };
        if (report.Aws is { } aws)
        {
            // The AWS suite's figures stay at the top level, where they were before there were suites.
            root["durationSeconds"] = aws.DurationSeconds;
            root["warmUpSeconds"] = aws.WarmUpSeconds;
            root["slices"] = aws.Slices;
            root["getItem"] = new JsonArray(aws.GetItem.Select(Row).ToArray<JsonNode?>());
            root["hops"] = JsonSerializer.SerializeToNode(aws.Hops, Options);
            root["cli"] = JsonSerializer.SerializeToNode(aws.Cli, Options);
            root["cliAddedMs"] = aws.CliAddedMs;
            root["cliTarget"] = aws.CliAddedMs is { } added ? JsonSerializer.SerializeToNode(Targets.ForCli(added), Options) : null;
            root["tshStartTargets"] = JsonSerializer.SerializeToNode(
                aws.Cli.Where(c => c.Key is CliKeys.TshVersion or CliKeys.TshStatus).ToDictionary(c => c.Key, c => Targets.ForTshStart(c.MedianMs)), Options);
            root["awsCli"] = aws.AwsCli;
            root["issuance"] = aws.Issuance is { } issuance ? JsonSerializer.SerializeToNode(issuance, Options) : null;
            root["issuanceTarget"] = aws.Issuance is { } measured ? JsonSerializer.SerializeToNode(Targets.ForIssuance(measured.PerSecond), Options) : null;
            root["upload"] = aws.Upload is { } upload ? JsonSerializer.SerializeToNode(upload, Options) : null;
            root["uploadTarget"] = aws.Upload is { } uploaded ? JsonSerializer.SerializeToNode(Targets.ForUpload(uploaded.Memory.Max(m => m.GrowthMb)), Options) : null;
        }

        if (report.Storage is { } storage)
        {
            root["storage"] = Storage(storage);
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, root.ToJsonString(Options) + "\n", cancellationToken);
    }

    private static JsonObject Row(GetItemRow row) => new()
    {
        ["key"] = row.Key,
        ["scenario"] = row.Scenario,
        ["upstream"] = row.Upstream,
        ["diagnostic"] = row.Diagnostic,
        ["concurrency"] = row.Concurrency,
        ["direct"] = Load(row.Direct),
        ["ferry"] = Load(row.Ferry),
        ["ratio"] = Math.Round(row.Ratio, 3),
        ["addedP50Ms"] = Math.Round(row.AddedP50Ms, 3),
        ["addedP99Ms"] = Math.Round(row.AddedP99Ms, 3),
        ["target"] = row.Target is { } target ? JsonSerializer.SerializeToNode(target, Options) : null,
    };

    private static JsonObject Storage(StorageReport storage) => new()
    {
        ["loadAverageBefore"] = storage.LoadAverageBefore,
        ["loadAverageAfter"] = storage.LoadAverageAfter,
        ["durationSeconds"] = storage.DurationSeconds,
        ["warmUpSeconds"] = storage.WarmUpSeconds,
        ["slices"] = storage.Slices,
        ["valueBytes"] = storage.ValueBytes,
        ["filesystem"] = storage.Filesystem,
        ["postgres"] = storage.Postgres,
        ["operations"] = new JsonArray(storage.Operations.Select(row => (JsonNode?)new JsonObject
        {
            ["key"] = row.Key,
            ["operation"] = row.Operation,
            ["concurrency"] = row.Concurrency,
            ["sqlite"] = Load(row.Sqlite),
            ["postgresql"] = Load(row.Postgres),
            ["ratio"] = Round(row.Ratio, 4),
        }).ToArray()),
        ["lagWritesPerSecond"] = storage.LagRate,
        ["lag"] = new JsonArray(storage.Lag.Select(lag => (JsonNode?)new JsonObject
        {
            ["key"] = lag.Key,
            ["path"] = lag.Path,
            ["writes"] = lag.Writes,
            ["writeErrors"] = lag.WriteErrors,
            ["writesPerSecond"] = Math.Round(lag.WritesPerSecond, 1),
            ["received"] = lag.Received,
            ["lost"] = lag.Lost,
            ["outOfOrder"] = lag.OutOfOrder,
            ["duplicated"] = lag.Duplicated,
            ["foreign"] = lag.Foreign,
            ["p50Ms"] = Round(lag.P50Ms, 3),
            ["p99Ms"] = Round(lag.P99Ms, 3),
            ["maxMs"] = Round(lag.MaxMs, 3),
            ["minMs"] = Round(lag.MinMs, 3),
            ["problem"] = lag.Problem,
        }).ToArray()),
    };

    private static JsonObject Load(Load.LoadResult result) => new()
    {
        ["requests"] = result.Completed,
        ["errors"] = result.Errors,
        ["seconds"] = Math.Round(result.Seconds, 3),
        ["requestsPerSecond"] = Math.Round(result.RequestsPerSecond, 1),
        ["p50Ms"] = Round(result.P50Ms, 3),
        ["p99Ms"] = Round(result.P99Ms, 3),
        ["firstError"] = result.FirstError,
        ["cpuUsPerRequest"] = new JsonObject(result.CpuMsPerRequest.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)Math.Round(c.Value * 1000, 1)))),
    };

    /// <summary>Rounded, or null where nothing was measured (a percentile of no calls is NaN, which JSON cannot hold).</summary>
    private static double? Round(double value, int digits) => double.IsFinite(value) ? Math.Round(value, digits) : null;
}
