namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// moto started by scripts/aws-sandbox.sh (the quickstart's own sandbox): signatures and IAM policies enforced,
/// the guide's role ExampleTeleportDynamoDBRole in account 123456789000, an IAM user for the agent, a table.
/// </summary>
internal sealed class AwsSandbox : IAsyncDisposable
{
    public const string RoleArn = "arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole";
    public const string Table = "my-dynamodb-table";

    private AwsSandbox(string directory, int port, Dictionary<string, string> agentEnvironment)
    {
        Directory = directory;
        Port = port;
        AgentEnvironment = agentEnvironment;
    }

    public string Directory { get; }
    public int Port { get; }
    public string Endpoint => $"http://127.0.0.1:{Port}";

    /// <summary>The /etc/default/teleport-style variables for the agent: its IAM user's keys, region, endpoint.</summary>
    public Dictionary<string, string> AgentEnvironment { get; }

    public static async Task<AwsSandbox> StartAsync(string directory)
    {
        var port = FreePort.Next();
        var script = Path.Combine(Binaries.RepositoryRoot, "scripts", "aws-sandbox.sh");
        var result = await Run.CommandAsync(script, [directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture)], timeout: TimeSpan.FromSeconds(90));
        result.EnsureSuccess("scripts/aws-sandbox.sh (needs moto: pip install 'moto[server]', and the aws CLI)");
        var environment = File.ReadAllLines(Path.Combine(directory, "aws.env"))
            .Where(l => l.Contains('=', StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        return new AwsSandbox(directory, port, environment);
    }

    /// <summary>How many requests moto has answered so far (its access log), to prove that something did not reach AWS.</summary>
    public int RequestCount() =>
        File.ReadAllLines(Path.Combine(Directory, "moto.log")).Count(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"HTTP/1\.[01]"" \d{3} "));

    public ValueTask DisposeAsync()
    {
        var pidFile = Path.Combine(Directory, "moto.pid");
        if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            try
            {
                System.Diagnostics.Process.GetProcessById(pid).Kill(entireProcessTree: true);
            }
            catch (ArgumentException)
            {
                // already gone
            }
        }

        return ValueTask.CompletedTask;
    }
}
