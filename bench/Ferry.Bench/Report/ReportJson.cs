using System.Text.Json;
using System.Text.Json.Nodes;

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
            ["durationSeconds"] = report.DurationSeconds,
            ["warmUpSeconds"] = report.WarmUpSeconds,
            ["slices"] = report.Slices,
            ["getItem"] = new JsonArray(report.GetItem.Select(Row).ToArray<JsonNode?>()),
            ["hops"] = JsonSerializer.SerializeToNode(report.Hops, Options),
            ["cli"] = JsonSerializer.SerializeToNode(report.Cli, Options),
            ["cliAddedMs"] = report.CliAddedMs,
            ["cliTarget"] = report.CliAddedMs is { } added ? JsonSerializer.SerializeToNode(Targets.ForCli(added), Options) : null,
            ["awsCli"] = report.AwsCli,
        };
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

    private static JsonObject Load(Load.LoadResult result) => new()
    {
        ["requests"] = result.Completed,
        ["errors"] = result.Errors,
        ["seconds"] = Math.Round(result.Seconds, 3),
        ["requestsPerSecond"] = Math.Round(result.RequestsPerSecond, 1),
        ["p50Ms"] = Math.Round(result.P50Ms, 3),
        ["p99Ms"] = Math.Round(result.P99Ms, 3),
        ["firstError"] = result.FirstError,
        ["cpuUsPerRequest"] = new JsonObject(result.CpuMsPerRequest.Select(c => KeyValuePair.Create(c.Key, (JsonNode?)Math.Round(c.Value * 1000, 1)))),
    };
}
