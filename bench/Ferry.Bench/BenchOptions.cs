using System.Globalization;

namespace Ferry.Bench;

/// <summary>Command-line settings; the defaults keep a whole run under about three minutes on two cores.</summary>
internal sealed record BenchOptions
{
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

    public const string Usage = """
        ferry-bench [options]     (bench/run.sh builds Release and runs this)
          --duration SECONDS      measured time per path and concurrency (default 5)
          --slices N              the measured time is cut into N slices that the paths take in turns (default 5)
          --warmup SECONDS        unmeasured time per path before the slices, same clients (default 1)
          --concurrency LIST      client counts, comma-separated (default 1,32)
          --hop-calls N           sequential calls per path for the per-leg split (default 300)
          --cli-runs N            timed runs per command line (default 10; 0 skips the CLI part)
          --output FILE           JSON results (default bench/results/latest.json)
          --aws PATH              the aws CLI both sides run (default /usr/bin/aws, else aws on PATH)
          --keep-temp             keep the temporary directory (configs, logs) after the run
          --hold                  set everything up, print where it is, and wait for Ctrl-C (for experiments by hand)
        """;

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new BenchOptions();
        for (var i = 0; i < args.Count; i++)
        {
            string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            options = args[i] switch
            {
                "--duration" => options with { Duration = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--warmup" => options with { WarmUp = TimeSpan.FromSeconds(double.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--slices" => options with { Slices = Math.Max(1, int.Parse(Value(), CultureInfo.InvariantCulture)) },
                "--concurrency" => options with { Concurrency = Value().Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToList() },
                "--hop-calls" => options with { HopTraceCalls = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--cli-runs" => options with { CliRuns = int.Parse(Value(), CultureInfo.InvariantCulture) },
                "--output" => options with { Output = Value() },
                "--aws" => options with { Aws = Value() },
                "--keep-temp" => options with { KeepTemp = true },
                "--hold" => options with { Hold = true, KeepTemp = true },
                _ => throw new ArgumentException($"unknown option {args[i]}"),
            };
        }

        return options;
    }
}
