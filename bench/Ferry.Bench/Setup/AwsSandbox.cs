using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Ferry.Bench.Infrastructure;

namespace Ferry.Bench.Setup;

/// <summary>
/// moto started by scripts/aws-sandbox.sh (IAM user for the agent, ExampleTeleportDynamoDBRole, my-dynamodb-table),
/// plus what the direct baseline needs: the role's own session credentials (AssumeRole with the agent's key, the
/// call the agent itself makes) and one seeded item.
/// </summary>
internal sealed class AwsSandbox : IAsyncDisposable
{
    public const string Account = "123456789000";
    public const string RoleName = "ExampleTeleportDynamoDBRole";
    public const string RoleArn = $"arn:aws:iam::{Account}:role/{RoleName}";
    public const string Table = "my-dynamodb-table";
    public const string Region = "us-east-1";

    private readonly string _directory;

    private AwsSandbox(string directory, int port, IReadOnlyDictionary<string, string> agentEnvironment)
    {
        _directory = directory;
        Endpoint = $"http://127.0.0.1:{port}";
        AgentEnvironment = agentEnvironment;
    }

    public string Endpoint { get; }

    public int? MotoPid => int.TryParse(File.ReadAllText(Path.Combine(_directory, "moto.pid")).Trim(), out var pid) ? pid : null;

    /// <summary>Whether moto still runs; other sessions on the machine may stop moto processes by name.</summary>
    public string Health => File.Exists(Path.Combine(_directory, "moto.pid")) && int.TryParse(File.ReadAllText(Path.Combine(_directory, "moto.pid")).Trim(), out var pid)
        ? Signals.IsAlive(pid) ? $"moto (pid {pid}) is running" : $"moto (pid {pid}) is no longer running: something outside the bench stopped it"
        : "moto's pid file is missing";

    /// <summary>DIR/aws.env: the agent's key pair, region and AWS_ENDPOINT_URL.</summary>
    public IReadOnlyDictionary<string, string> AgentEnvironment { get; }

    public static async Task<AwsSandbox> StartAsync(Repo repo, string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var port = FreePort.Next();
        var result = await Run.CommandAsync("bash", [repo.SandboxScript, directory, port.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            ChildEnvironment.Clean(), cancellationToken, timeout: TimeSpan.FromSeconds(120));
        if (result.ExitCode != 0)
        {
            await StopMotoAsync(directory);
            result.EnsureSuccess("scripts/aws-sandbox.sh");
        }

        var environment = File.ReadAllLines(Path.Combine(directory, "aws.env"))
            .Where(line => line.Contains('=', StringComparison.Ordinal))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1], StringComparer.Ordinal);
        return new AwsSandbox(directory, port, environment);
    }

    /// <summary>Session credentials for the role, from moto's STS with the agent's key (checked by moto's IAM).</summary>
    public async Task<SessionAWSCredentials> AssumeRoleAsync(CancellationToken cancellationToken)
    {
        using var sts = new AmazonSecurityTokenServiceClient(
            new BasicAWSCredentials(AgentEnvironment["AWS_ACCESS_KEY_ID"], AgentEnvironment["AWS_SECRET_ACCESS_KEY"]),
            new AmazonSecurityTokenServiceConfig { ServiceURL = Endpoint, AuthenticationRegion = Region, IgnoreConfiguredEndpointUrls = true, MaxErrorRetry = 0 });
        var response = await sts.AssumeRoleAsync(new AssumeRoleRequest { RoleArn = RoleArn, RoleSessionName = "ferry-bench-direct", DurationSeconds = 3600 }, cancellationToken);
        var c = response.Credentials;
        return new SessionAWSCredentials(c.AccessKeyId, c.SecretAccessKey, c.SessionToken);
    }

    public async Task PutItemAsync(AWSCredentials credentials, Dictionary<string, AttributeValue> item, CancellationToken cancellationToken)
    {
        using var client = new AmazonDynamoDBClient(credentials, new AmazonDynamoDBConfig
        {
            ServiceURL = Endpoint,
            AuthenticationRegion = Region,
            IgnoreConfiguredEndpointUrls = true,
            MaxErrorRetry = 0,
        });
        await client.PutItemAsync(new PutItemRequest { TableName = Table, Item = item }, cancellationToken);
    }

    public ValueTask DisposeAsync() => new(StopMotoAsync(_directory));

    /// <summary>moto runs detached (nohup in the script): stop it by the pid the script wrote.</summary>
    private static async Task StopMotoAsync(string directory)
    {
        var pidFile = Path.Combine(directory, "moto.pid");
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
        {
            return;
        }

        Signals.Terminate(pid);
        for (var i = 0; i < 50 && Signals.IsAlive(pid); i++)
        {
            await Task.Delay(100);
        }

        if (Signals.IsAlive(pid))
        {
            Signals.Kill(pid);
        }
    }
}
