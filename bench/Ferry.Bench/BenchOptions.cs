using System.Globalization;

namespace Ferry.Bench;

/// <summary>
/// Command-line settings; the defaults keep the AWS suite under about three minutes and the storage suite under
/// about 90 s on two cores.
/// </summary>
internal sealed record BenchOptions
{
    public const string AwsSuite = "aws";
    public const string StorageSuite = "storage";
    public const string AllSuites = "all";

    public string Suite { get; init; } = AwsSuite;
    public TimeSpan Duration { get; init; } = TimeSpan.FromSeconds(5);
    public TimeSpan WarmUp { get; init; } = TimeSpan.FromSeconds(1);
    public int Slices { get; init; } = 5;
    public IReadOnlyList<int> Concurrency { get; init; } = [1, 32];
    public int CliRuns { get; init; } = 10;
    public int HopTraceCalls { get; init; } = 300;
    public string? Output { get; init; }
    public string? Aws { get; init; }
    public bool KeepTemp { get; init; }
    public bool Hold { get; init; }

    public TimeSpan StorageDuration { get; init; } = TimeSpan.FromSeconds(3);
    public int StorageSlices { get; init; } = 3;
    public IReadOnlyList<int> StorageConcurrency { get; init; } = [1, 8];
    public int LagRate { get; init; } = 200;
    public TimeSpan LagDuration { get; init; } = TimeSpan.FromSeconds(5);

    public bool RunsAws => Suite is AwsSuite or AllSuites;

    public bool RunsStorage => Suite is StorageSuite or AllSuites;

    public const string Usage = """
        ferry-bench [options]     (bench/run.sh builds Release and runs this)
          --suite NAME            aws (default): the AWS API path; storage: SQLite against PostgreSQL; all: both
          --output FILE           JSON results (default bench/results/<commit>.json, copied to latest.json)
          --keep-temp             keep the temporary directory (configs, logs) after the run
          --hold                  set everything up, print where it is, and wait for Ctrl-C (for experiments by hand)
        aws suite:
          --duration SECONDS      measured time per path and concurrency (default 5)
          --slices N              the measured time is cut into N slices that the paths take in turns (default 5)
          --warmup SECONDS        unmeasured time per path before the slices, same clients (default 1)
          --concurrency LIST      client counts, comma-separated (default 1,32)
          --hop-calls N           sequential calls per path for the per-leg split (default 300)
          --cli-runs N            timed runs per command line (default 10; 0 skips the CLI part)
          --aws PATH              the aws CLI both sides run (default /usr/bin/aws, else aws on PATH)
        storage suite:
          --storage-duration SECONDS   measured time per operation, backend and concurrency (default 3)
          --storage-slices N      the measured time is cut into N slices that SQLite and PostgreSQL take in turns (default 3)
          --storage-concurrency LIST   concurrent callers, comma-separated (default 1,8)
          --lag-rate N            writes per second for the change-feed lag (default 200)
          --lag-duration SECONDS  how long those writes go on (default 5)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            int Number() => int.Parse(Value(), CultureInfo.InvariantCulture);
            TimeSpan Seconds() => TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture));
            List<int> Numbers() => Value().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList();
            string SuiteName() => Value() is AwsSuite or StorageSuite or AllSuites
                ? args[i]
                : throw new ArgumentException($"--suite takes {AwsSuite}, {StorageSuite} or {AllSuites}, not {args[i]}");
            options = args[i] switch
            {
                "--suite" => options with { Suite = SuiteName() },
                "--duration" => options with { Duration = Seconds() },
                "--warmup" => options with { WarmUp = Seconds() },
                "--slices" => options with { Slices = Math.Max(1, Number()) },
                "--concurrency" => options with { Concurrency = Numbers() },
                "--hop-calls" => options with { HopTraceCalls = Number() },
                "--cli-runs" => options with { CliRuns = Number() },
                "--output" => options with { Output = Value() },
                "--aws" => options with { Aws = Value() },
                "--keep-temp" => options with { KeepTemp = true },
                "--hold" => options with { Hold = true, KeepTemp = true },
                "--storage-duration" => options with { StorageDuration = Seconds() },
                "--storage-slices" => options with { StorageSlices = Math.Max(1, Number()) },
                "--storage-concurrency" => options with { StorageConcurrency = Numbers() },
                "--lag-rate" => options with { LagRate = Math.Max(1, Number()) },
                "--lag-duration" => options with { LagDuration = Seconds() },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }
}
