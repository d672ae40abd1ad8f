namespace Ferry.Bench.Infrastructure;

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr, TimeSpan Elapsed)
{
    public ProcessResult EnsureSuccess(string what) => ExitCode == 0
        ? this
        : throw new InvalidOperationException($"{what} failed with exit code {ExitCode}:\n{Stdout}\n{Stderr}".TrimEnd());
}
