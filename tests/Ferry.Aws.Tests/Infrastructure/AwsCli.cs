using System.Diagnostics;

namespace Ferry.Aws.Tests.Infrastructure;

/// <summary>Runs the machine's aws CLI (pyenv v1 on PATH, docs/testing.md §4.1) with an explicit environment.</summary>
internal static class AwsCli
{
    public static async Task<(int ExitCode, string Output)> RunAsync(AwsCredentials credentials, string region, params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("FERRY_TEST_AWS_CLI") ?? "aws")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        PythonRunner.ApplyCleanEnvironment(psi, new Dictionary<string, string>
        {
            ["AWS_ACCESS_KEY_ID"] = credentials.AccessKeyId,
            ["AWS_SECRET_ACCESS_KEY"] = credentials.SecretAccessKey,
            ["AWS_DEFAULT_REGION"] = region,
            ["AWS_PAGER"] = string.Empty,
            ["AWS_MAX_ATTEMPTS"] = "1",
            ["AWS_CONFIG_FILE"] = "/dev/null",
            ["AWS_SHARED_CREDENTIALS_FILE"] = "/dev/null",
        });
        if (credentials.SessionToken is not null)
        {
            psi.Environment["AWS_SESSION_TOKEN"] = credentials.SessionToken;
        }

        try
        {
            using var process = Process.Start(psi)!;
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout + await stderr);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"the aws CLI (docs/testing.md §4.1: pyenv aws-cli 1.x on PATH) is required for this test: {e.Message}", e);
        }
    }
}
