namespace Ferry.Bench.Report;

/// <summary>Everything one run measured, as printed and as written to bench/results/latest.json: the suites that ran.</summary>
internal sealed record BenchReport(DateTimeOffset Time, MachineInfo Machine, AwsReport? Aws, StorageReport? Storage);
