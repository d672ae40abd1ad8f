namespace Ferry.Integration.Tests.Infrastructure;

public sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public ProcessResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            throw new Xunit.Sdk.XunitException($"{what} failed with exit code {ExitCode}\nstdout:\n{Stdout}\nstderr:\n{Stderr}");
        }

        return this;
    }
}
