using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ferry.Web.Tests.Infrastructure;

/// <summary>
/// The guide's whole Step 5 set-up from real parts: an all-in-one `teleport` (auth + proxy) with second_factor: otp
/// whose public address is ferry.test:PORT, moto as AWS (scripts/aws-sandbox.sh), the federation stand-in as the AWS
/// sign-in endpoint, and an app agent (its own `teleport` process, joined with a token) serving the guide's
/// aws-dynamodb console app. The guide's Step 2 role exists, plus roles for the negative cases.
/// </summary>
internal sealed partial class ConsoleCluster : IAsyncDisposable
{
    public const string PublicHost = "ferry.test";
    public const string AppName = "aws-dynamodb";
    public const string AppUri = "https://console.aws.amazon.com/dynamodbv2/home";
    public const string RoleArn = AwsSandbox.RoleArn;
    /// <summary>A second ARN the guide's users may pick (it exists only in the picker: moto has no such role).</summary>
    public const string ReadOnlyArn = "arn:aws:iam::123456789000:role/ReadOnlyAuditor";

    private readonly (string Type, string ConnectorName)? _authentication;

    private ConsoleCluster(string directory, int authPort, int webPort, (string Type, string ConnectorName)? authentication)
    {
        _authentication = authentication;
        Directory = directory;
        AuthPort = authPort;
        WebPort = webPort;
        ConfigPath = Path.Combine(directory, "teleport.yaml");
    }

    public string Directory { get; }
    public int AuthPort { get; }
    public int WebPort { get; }
    public string ConfigPath { get; }
    public string PublicAddr => $"{PublicHost}:{WebPort}";
    public string BaseUrl => $"https://{PublicAddr}";
    public TeleportProcess? Proxy { get; private set; }
    public TeleportProcess? Agent { get; private set; }
    public AwsSandbox? Sandbox { get; private set; }
    public FederationStandIn? Federation { get; private set; }

    /// <param name="authentication">
    /// auth_service.authentication's type and connector_name, for a cluster whose users log in through a connector by
    /// default (e.g. ("oidc", "myoidc")); null keeps type local. second_factor stays otp either way.
    /// </param>
    public static async Task<ConsoleCluster> StartAsync((string Type, string ConnectorName)? authentication = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ferry-web-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        var cluster = new ConsoleCluster(directory, FreePort.Next(), FreePort.Next(), authentication);
        try
        {
            await cluster.StartAllAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    private async Task StartAllAsync()
    {
        var authentication = _authentication is { } a ? $"type: {a.Type}\n    connector_name: {a.ConnectorName}" : "type: local";
        await File.WriteAllTextAsync(ConfigPath, $"""
            version: v3
            teleport:
              nodename: ferry-web-test
              data_dir: {Path.Combine(Directory, "data")}
              log:
                output: stderr
                severity: INFO
            auth_service:
              enabled: yes
              listen_addr: 127.0.0.1:{AuthPort}
              cluster_name: {PublicHost}
              authentication:
                {authentication}
                second_factor: otp
            proxy_service:
              enabled: yes
              web_listen_addr: 127.0.0.1:{WebPort}
              public_addr: {PublicAddr}
            ssh_service:
              enabled: no
            """);
        var sandboxTask = AwsSandbox.StartAsync(Path.Combine(Directory, "aws"));
        Proxy = TeleportProcess.Start(ConfigPath);
        using (var http = InsecureHttp())
        {
            await Proxy.WaitUntilAsync(async () => (await http.GetAsync($"https://127.0.0.1:{WebPort}/v1/webapi/ping")).IsSuccessStatusCode, "the proxy to answer ping");
        }

        Sandbox = await sandboxTask;
        Federation = await FederationStandIn.StartAsync(Sandbox.Endpoint);
        await CreateRolesAsync();
        await StartAgentAsync();
    }

    private async Task CreateRolesAsync()
    {
        // The guide's Step 2 role, a second ARN so the picker has a choice, and a role that shows apps but allows no IAM role.
        await CreateAsync("aws-dynamodb-access", $"""
            kind: role
            version: v5
            metadata:
              name: aws-dynamodb-access
            spec:
              allow:
                app_labels:
                  '*': '*'
                aws_role_arns:
                - {RoleArn}
                - {ReadOnlyArn}
            """);
        await CreateAsync("apps-only", """
            kind: role
            version: v5
            metadata:
              name: apps-only
            spec:
              allow:
                app_labels:
                  '*': '*'
            """);
        await CreateAsync("short-session", $"""
            kind: role
            version: v5
            metadata:
              name: short-session
            spec:
              options:
                max_session_ttl: 5s
              allow:
                app_labels:
                  '*': '*'
                aws_role_arns:
                - {RoleArn}
            """);
    }

    private async Task CreateAsync(string name, string yaml)
    {
        var path = Path.Combine(Directory, name + ".yaml");
        await File.WriteAllTextAsync(path, yaml + "\n");
        (await TctlAsync("create", "-f", path)).EnsureSuccess("tctl create " + name);
    }

    private async Task StartAgentAsync()
    {
        var token = (await TctlAsync("tokens", "add", "--type=app", "--app-name=" + AppName, "--app-name=aws-billing", "--app-uri=" + AppUri, "--format=text")).EnsureSuccess("tokens add").Stdout.Trim();
        var tokenPath = Path.Combine(Directory, "token");
        await File.WriteAllTextAsync(tokenPath, token + "\n");
        var pin = CaPin().Match((await TctlAsync("status")).EnsureSuccess("status").Stdout).Value;
        var agentConfig = Path.Combine(Directory, "agent.yaml");
        await File.WriteAllTextAsync(agentConfig, $"""
            version: v3
            teleport:
              nodename: agent-1
              data_dir: {Path.Combine(Directory, "agent-data")}
              join_params:
                token_name: "{tokenPath}"
                method: token
              proxy_server: "127.0.0.1:{WebPort}"
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
                description: DynamoDB tables of the sandbox account
                labels:
                  env: dev
                  team: data
              - name: aws-billing
                uri: https://console.aws.amazon.com/billing/home
                description: Cost and usage reports
                labels:
                  env: prod
                  team: finance
            """);
        Agent = TeleportProcess.Start(agentConfig, AgentEnvironment());
        await Agent.WaitUntilAsync(async () => (await TctlAsync("apps", "ls")).Stdout.Contains("aws-billing", StringComparison.Ordinal), "the agent to announce its apps");
        await Agent.WaitUntilAsync(() => Task.FromResult(Agent.Output.Contains("is up", StringComparison.Ordinal)), "the agent's tunnel to come up");
    }

    /// <summary>The sandbox's /etc/default/teleport variables, the sign-in endpoint, and nothing the machine presets.</summary>
    private Dictionary<string, string?> AgentEnvironment()
    {
        var environment = new Dictionary<string, string?>
        {
            ["AWS_CA_BUNDLE"] = null, ["SSL_CERT_FILE"] = null, ["REQUESTS_CA_BUNDLE"] = null, ["AWS_SESSION_TOKEN"] = null, ["AWS_PROFILE"] = null,
            ["AWS_REGION"] = null, ["HTTPS_PROXY"] = null, ["https_proxy"] = null, ["HTTP_PROXY"] = null, ["http_proxy"] = null,
        };
        foreach (var (name, value) in Sandbox!.AgentEnvironment)
        {
            environment[name] = value;
        }

        environment["AWS_ENDPOINT_URL_SIGNIN"] = Federation!.BaseUrl;
        return environment;
    }

    /// <summary>tctl on the auth host (full privileges through the local admin identity).</summary>
    public Task<ProcessResult> TctlAsync(params string[] args)
    {
        var home = Path.Combine(Directory, "home-admin");
        System.IO.Directory.CreateDirectory(home);
        var environment = new Dictionary<string, string?> { ["HOME"] = home, ["TELEPORT_HOME"] = Path.Combine(home, ".tsh"), ["TELEPORT_CONFIG_FILE"] = null };
        return Run.CommandAsync(Binaries.Tctl, ["-c", ConfigPath, .. args], environment, null, Directory);
    }

    /// <summary>`tctl users add`: returns the signup link it prints.</summary>
    public async Task<string> InviteAsync(string user, string roles)
    {
        var added = (await TctlAsync("users", "add", user, "--roles=" + roles)).EnsureSuccess("tctl users add " + user);
        var link = SignupLink().Match(added.Stdout);
        Assert.True(link.Success, "no signup link in: " + added.Stdout);
        return link.Value;
    }

    /// <summary>A user who finished signup through the proxy's API (for tests about what comes after): password and authenticator.</summary>
    public async Task<TestUser> AddUserAsync(string user, string roles)
    {
        var link = await InviteAsync(user, roles);
        var token = link[(link.LastIndexOf('/') + 1)..];
        using var http = InsecureHttp();
        var info = await http.GetFromJsonAsync<JsonElement>($"https://127.0.0.1:{WebPort}/v1/webapi/signup/{token}");
        var device = new TotpDevice(info.GetProperty("otp_secret").GetString()!);
        var password = user + "-correct-horse-battery";
        using var done = await http.PostAsJsonAsync($"https://127.0.0.1:{WebPort}/v1/webapi/signup/{token}", new { password, otp_code = await device.NextCodeAsync() });
        Assert.True(done.IsSuccessStatusCode, await done.Content.ReadAsStringAsync());
        return new TestUser(user, password, device);
    }

    /// <summary>
    /// The environment of a user's tsh (and the aws CLI it runs): a home of its own under the cluster's directory, and
    /// none of the machine's AWS, proxy or CA settings (docs/testing.md §4.2).
    /// </summary>
    public Dictionary<string, string?> TshEnvironment(string homeName)
    {
        var home = Path.Combine(Directory, homeName);
        System.IO.Directory.CreateDirectory(home);
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = home, ["TELEPORT_HOME"] = Path.Combine(home, ".tsh"), ["TELEPORT_CONFIG_FILE"] = null, ["TELEPORT_PROXY"] = null, ["TELEPORT_USER"] = null,
            ["AWS_DEFAULT_REGION"] = "us-east-1", ["AWS_PAGER"] = "", ["DISPLAY"] = null, ["WAYLAND_DISPLAY"] = null,
        };
        foreach (var name in new[]
        {
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_REGION", "AWS_CA_BUNDLE", "AWS_ENDPOINT_URL",
            "AWS_ENDPOINT_URL_DYNAMODB", "AWS_ENDPOINT_URL_STS", "HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "NO_PROXY", "no_proxy",
            "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE",
        })
        {
            environment[name] = null;
        }

        return environment;
    }

    public static HttpClient InsecureHttp() => new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true, UseProxy = false });

    public async ValueTask DisposeAsync()
    {
        foreach (var process in new[] { Agent, Proxy })
        {
            if (process is not null)
            {
                await process.DisposeAsync();
            }
        }

        if (Federation is not null)
        {
            await Federation.DisposeAsync();
        }

        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [GeneratedRegex("sha256:[0-9a-f]{64}")]
    private static partial Regex CaPin();

    [GeneratedRegex(@"https://\S+/web/(invite|reset)/[0-9a-f]{64}")]
    private static partial Regex SignupLink();
}
