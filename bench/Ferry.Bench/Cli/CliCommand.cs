namespace Ferry.Bench.Cli;

/// <summary>One command line to time: what it is called in the report, how it runs, and what its output must contain.</summary>
internal sealed record CliCommand(string Key, string Display, string FileName, IReadOnlyList<string> Args, IReadOnlyDictionary<string, string?> Environment, string WorkingDirectory, string? Expect);
