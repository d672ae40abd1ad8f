using System.Text.RegularExpressions;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// The guide's whole set-up for the AWS API path, from real parts: moto (the AWS sandbox), an all-in-one
/// cluster, and an app agent in its own teleport process that joined with a token file (Step 3) and holds
/// the sandbox's IAM user keys (/etc/default/teleport style). The role of Step 2 exists.
/// </summary>
internal sealed partial class AwsCluster : IAsyncDisposable
{
    public const string AppName = "aws-dynamodb";
    public const string AppUri = "https://console.aws.amazon.com/dynamodbv2/home";
    public const string Password = "correct-horse-battery-staple";

    /// <summary>The role of the guide's Step 2, verbatim.</summary>
    public const string GuideRole = """
        kind: role
        version: v5
        metadata:
          name: aws-dynamodb-access
        spec:
          allow:
            app_labels:
              '*': '*'
            aws_role_arns:
            - arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole
        """;

    private AwsCluster(TestCluster cluster, AwsSandbox sandbox, FederationStandIn federation)
    {
        Cluster = cluster;
        Sandbox = sandbox;
        Federation = federation;
        AgentConfigPath = Path.Combine(cluster.Directory, "agent.yaml");
        TokenPath = Path.Combine(cluster.Directory, "token");
    }

    public TestCluster Cluster { get; }
    public AwsSandbox Sandbox { get; }

    /// <summary>The AWS sign-in federation stand-in the agent reaches through AWS_ENDPOINT_URL_SIGNIN.</summary>
    public FederationStandIn Federation { get; }
    public string AgentConfigPath { get; }
    public string TokenPath { get; }
    public TeleportProcess? Agent { get; private set; }

    public static async Task<AwsCluster> StartAsync()
    {
        var cluster = await TestCluster.StartAsync();
        var sandbox = await AwsSandbox.StartAsync(Path.Combine(cluster.Directory, "aws"));
        var federation = await FederationStandIn.StartAsync(sandbox.Endpoint);
        var aws = new AwsCluster(cluster, sandbox, federation);
        try
        {
            var token = (await cluster.TctlLocalAsync(["tokens", "add", "--type=app", "--app-name=" + AppName, "--app-uri=" + AppUri, "--format=text"])).EnsureSuccess("tokens add");
            await File.WriteAllTextAsync(aws.TokenPath, token.Stdout.Trim() + "\n");
            var pin = CaPin().Match((await cluster.TctlLocalAsync(["status"])).EnsureSuccess("status").Stdout).Value;
            await File.WriteAllTextAsync(aws.AgentConfigPath, $"""
                version: v3
                teleport:
                  nodename: agent-1
                  data_dir: {Path.Combine(cluster.Directory, "agent-data")}
                  join_params:
                    token_name: "{aws.TokenPath}"
                    method: token
                  proxy_server: "{cluster.ProxyAddress}"
                  ca_pin: "{pin}"
                auth_service:
                  enabled: off
                proxy_service:
                  enabled: off
                ssh_service:
                  enabled: off
                app_service:
                  enabled: true
                  apps:
                  - name: {AppName}
                    uri: {AppUri}
                """);
            await aws.StartAgentAsync();
            var rolePath = Path.Combine(cluster.Directory, "aws-dynamodb-access.yaml");
            await File.WriteAllTextAsync(rolePath, GuideRole + "\n");
            (await cluster.TctlLocalAsync(["create", "-f", rolePath])).EnsureSuccess("create the guide's role");
            return aws;
        }
        catch
        {
            await aws.DisposeAsync();
            throw;
        }
    }

    /// <summary>The agent's environment: the sandbox's /etc/default/teleport variables and nothing the machine presets.</summary>
    public Dictionary<string, string?> AgentEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_CA_BUNDLE"] = null, ["SSL_CERT_FILE"] = null, ["REQUESTS_CA_BUNDLE"] = null, ["AWS_SESSION_TOKEN"] = null, ["AWS_PROFILE"] = null,
            ["AWS_REGION"] = null, ["HTTPS_PROXY"] = null, ["https_proxy"] = null, ["HTTP_PROXY"] = null, ["http_proxy"] = null,
        };
        foreach (var (name, value) in Sandbox.AgentEnvironment)
        {
            environment[name] = value;
        }

        environment["AWS_ENDPOINT_URL_SIGNIN"] = Federation.BaseUrl;
        return environment;
    }

    public async Task StartAgentAsync()
    {
        Agent = TeleportProcess.Start(AgentConfigPath, AgentEnvironment());
        await Agent.WaitUntilAsync(async () => (await Cluster.TctlLocalAsync(["apps", "ls"])).Stdout.Contains(AppName, StringComparison.Ordinal), "the agent to announce " + AppName);
        await Agent.WaitUntilAsync(() => Task.FromResult(Agent.Output.Contains("is up", StringComparison.Ordinal)), "the agent's tunnel to come up");
    }

    /// <summary>A user with the given roles, logged in, and (when it has the role) logged into the app.</summary>
    public async Task AddLoggedInUserAsync(string user, string roles, bool appLogin = true)
    {
        await Cluster.AddUserAsync(user, roles, Password);
        (await Cluster.LoginAsync(user, Password)).EnsureSuccess("tsh login");
        if (appLogin)
        {
            (await Cluster.TshAsync(user, ["apps", "login", "--aws-role", "ExampleTeleportDynamoDBRole", AppName])).EnsureSuccess("tsh apps login");
        }
    }

    /// <summary>
    /// A user whose aws_role_arns trait names one of the sandbox's other roles (ExampleTeleportS3Role,
    /// ExampleTeleportServicesRole), logged in, and logged into the app as that role.
    /// </summary>
    public async Task AddUserWithAwsRoleAsync(string user, string roles, string awsRole)
    {
        await Cluster.AddUserAsync(user, roles, Password);
        (await Cluster.TctlLocalAsync(["users", "update", user, "--set-aws-role-arns=arn:aws:iam::123456789000:role/" + awsRole])).EnsureSuccess("traits");
        (await Cluster.LoginAsync(user, Password)).EnsureSuccess("tsh login");
        (await Cluster.TshAsync(user, ["apps", "login", "--aws-role", awsRole, AppName])).EnsureSuccess("tsh apps login");
    }

    public Task<ProcessResult> TshAwsAsync(string user, params string[] args) => Cluster.TshAsync(user, ["aws", .. args]);

    public async ValueTask DisposeAsync()
    {
        if (Agent is not null)
        {
            await Agent.DisposeAsync();
        }

        await Sandbox.DisposeAsync();
        await Federation.DisposeAsync();
        await Cluster.DisposeAsync();
    }

    [GeneratedRegex("sha256:[0-9a-f]{64}")]
    private static partial Regex CaPin();
}
