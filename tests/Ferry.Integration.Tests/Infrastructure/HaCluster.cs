using System.Text.RegularExpressions;
using Ferry.Storage.Tests.Postgres;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// The HA topology of docs/deploy-ha.md from real parts on loopback: a throwaway PostgreSQL cluster (an ordinary owner
/// role), two auth servers sharing it, haproxy in TCP mode in front of the auth servers and in front of two proxies
/// (health checks on /readyz), two app agents dialling the proxies' balanced address, and moto as AWS. Users and tctl
/// reach the cluster only through the balancer, like any client would.
/// </summary>
internal sealed partial class HaCluster : IAsyncDisposable
{
    public const string AppName = AwsCluster.AppName;
    public const string ClusterName = "ha.test";

    private readonly PostgresCluster _postgres = new();
    private readonly List<Node> _nodes = [];

    private HaCluster(string directory)
    {
        Directory = directory;
        AuthBalancerPort = FreePort.Next();
        WebBalancerPort = FreePort.Next();
    }

    public string Directory { get; }
    public int AuthBalancerPort { get; }
    public int WebBalancerPort { get; }
    public string ProxyAddress => $"127.0.0.1:{WebBalancerPort}";
    public PostgresCluster Postgres => _postgres;

    /// <summary>The audit log's database (its own, as docs/deploy-ha.md sets it up).</summary>
    public string AuditDatabase { get; private set; } = "";
    public AwsSandbox Sandbox { get; private set; } = null!;
    public Haproxy Balancer { get; private set; } = null!;

    /// <summary>tsh, and tctl on the first auth server's host (its admin identity), through the balancer.</summary>
    public TestCluster Cli { get; private set; } = null!;

    public IReadOnlyList<Node> Auths => _nodes.Where(n => n.Kind == "auth").ToList();
    public IReadOnlyList<Node> Proxies => _nodes.Where(n => n.Kind == "proxy").ToList();
    public IReadOnlyList<Node> Agents => _nodes.Where(n => n.Kind == "agent").ToList();

    /// <summary>One teleport process of the topology, restartable with the same config and data_dir.</summary>
    public sealed class Node(string kind, string name, string configPath, int port, int diagPort, IReadOnlyDictionary<string, string?>? environment)
    {
        public string Kind { get; } = kind;
        public string Name { get; } = name;
        public string ConfigPath { get; } = configPath;
        public int Port { get; } = port;
        public int DiagPort { get; } = diagPort;
        public TeleportProcess? Process { get; private set; }

        /// <summary>Starts the process, or starts it again after <see cref="Kill"/> (its last output is dropped).</summary>
        public void Start()
        {
            Process?.Kill();
            Process = TeleportProcess.Start(ConfigPath, environment);
        }

        /// <summary>kill -9: no clean stop, no withdrawn heartbeat.</summary>
        public void Kill() => Process?.Kill();

        public async Task WaitReadyAsync(TimeSpan? timeout = null)
        {
            using var http = new HttpClient();
            await Process!.WaitUntilAsync(
                async () => (await http.GetAsync($"http://127.0.0.1:{DiagPort}/readyz")).IsSuccessStatusCode,
                $"{Name} to be ready (/readyz)",
                timeout);
        }

        public async ValueTask DisposeAsync()
        {
            if (Process is not null)
            {
                await Process.DisposeAsync();
            }
        }
    }

    public static async Task<HaCluster> StartAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "ferry-ha-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        var cluster = new HaCluster(directory);
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
        await _postgres.InitializeAsync();
        var backendDb = await _postgres.CreateDatabaseAsync("ferry_backend");
        var auditDb = await _postgres.CreateDatabaseAsync("ferry_audit");
        AuditDatabase = auditDb;
        Sandbox = await AwsSandbox.StartAsync(Path.Combine(Directory, "aws"));

        for (var i = 1; i <= 2; i++)
        {
            AddAuth(i, _postgres.Uri(backendDb, applicationName: $"auth{i}"), _postgres.Uri(auditDb, applicationName: $"auth{i}-audit"));
        }

        // The first auth server creates the CAs; the second finds them in the backend (create-if-absent either way).
        foreach (var auth in Auths)
        {
            auth.Start();
            await auth.WaitReadyAsync();
        }

        Cli = TestCluster.Attach(Directory, WebBalancerPort, Auths[0].ConfigPath, Auths[0].Port);
        var pin = CaPin().Match((await Cli.TctlLocalAsync(["status"])).EnsureSuccess("tctl status").Stdout).Value;
        var proxyToken = await TokenFileAsync("proxy-token", "tokens", "add", "--type=proxy", "--ttl=1h", "--format=text");
        var appToken = await TokenFileAsync("app-token", "tokens", "add", "--type=app", "--app-name=" + AppName, "--ttl=1h", "--format=text");

        for (var i = 1; i <= 2; i++)
        {
            AddProxy(i, proxyToken, pin);
        }

        Balancer = Haproxy.Start(
            Directory,
            new Haproxy.Frontend("auth", AuthBalancerPort, Auths.Select(a => (a.Name, a.Port, a.DiagPort)).ToList()),
            new Haproxy.Frontend("web", WebBalancerPort, Proxies.Select(p => (p.Name, p.Port, p.DiagPort)).ToList()));

        foreach (var proxy in Proxies)
        {
            proxy.Start();
            await proxy.WaitReadyAsync();
        }

        for (var i = 1; i <= 2; i++)
        {
            AddAgent(i, appToken, pin);
        }

        foreach (var agent in Agents)
        {
            agent.Start();
            await agent.WaitReadyAsync();
        }

        var rolePath = Path.Combine(Directory, "aws-dynamodb-access.yaml");
        await File.WriteAllTextAsync(rolePath, AwsCluster.GuideRole + "\n");
        (await Cli.TctlLocalAsync(["create", "-f", rolePath])).EnsureSuccess("create the guide's role");
    }

    private async Task<string> TokenFileAsync(string name, params string[] args)
    {
        var token = (await Cli.TctlLocalAsync(args)).EnsureSuccess(string.Join(' ', args)).Stdout.Trim();
        var path = Path.Combine(Directory, name);
        await File.WriteAllTextAsync(path, token + "\n");
        return path;
    }

    private void AddAuth(int i, string backendUri, string auditUri)
    {
        var (port, diag) = (FreePort.Next(), FreePort.Next());
        var config = Path.Combine(Directory, $"auth{i}.yaml");
        File.WriteAllText(config, $"""
            version: v3
            teleport:
              nodename: auth{i}
              data_dir: {Path.Combine(Directory, $"auth{i}-data")}
              diag_addr: 127.0.0.1:{diag}
              log:
                output: stderr
                severity: INFO
              storage:
                type: postgresql
                conn_string: "{backendUri}"
                audit_events_uri: ["{auditUri}"]
            auth_service:
              enabled: yes
              listen_addr: 127.0.0.1:{port}
              cluster_name: {ClusterName}
              authentication:
                type: local
                second_factor: off
            proxy_service:
              enabled: no
            ssh_service:
              enabled: no
            """);
        _nodes.Add(new Node("auth", $"auth{i}", config, port, diag, null));
    }

    private void AddProxy(int i, string tokenPath, string pin)
    {
        var (port, diag) = (FreePort.Next(), FreePort.Next());
        var config = Path.Combine(Directory, $"proxy{i}.yaml");
        File.WriteAllText(config, $"""
            version: v3
            teleport:
              nodename: proxy{i}
              data_dir: {Path.Combine(Directory, $"proxy{i}-data")}
              diag_addr: 127.0.0.1:{diag}
              auth_server: 127.0.0.1:{AuthBalancerPort}
              ca_pin: "{pin}"
              join_params:
                token_name: {tokenPath}
                method: token
              log:
                output: stderr
                severity: INFO
            auth_service:
              enabled: no
            proxy_service:
              enabled: yes
              web_listen_addr: 127.0.0.1:{port}
              public_addr: 127.0.0.1:{WebBalancerPort}
            ssh_service:
              enabled: no
            """);
        _nodes.Add(new Node("proxy", $"proxy{i}", config, port, diag, null));
    }

    private void AddAgent(int i, string tokenPath, string pin)
    {
        var diag = FreePort.Next();
        var config = Path.Combine(Directory, $"agent{i}.yaml");
        File.WriteAllText(config, $"""
            version: v3
            teleport:
              nodename: agent{i}
              data_dir: {Path.Combine(Directory, $"agent{i}-data")}
              diag_addr: 127.0.0.1:{diag}
              proxy_server: 127.0.0.1:{WebBalancerPort}
              ca_pin: "{pin}"
              join_params:
                token_name: {tokenPath}
                method: token
              log:
                output: stderr
                severity: INFO
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
                uri: {AwsCluster.AppUri}
            """);
        _nodes.Add(new Node("agent", $"agent{i}", config, 0, diag, AgentEnvironment()));
    }

    /// <summary>The agents' /etc/default/teleport-style AWS variables and nothing the machine presets.</summary>
    private Dictionary<string, string?> AgentEnvironment()
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

        return environment;
    }

    /// <summary>tctl with the first auth host's admin identity, reaching auth through the auth balancer or one auth server.</summary>
    public Task<ProcessResult> TctlAsync(IEnumerable<string> args, Node? auth = null) =>
        Cli.TctlLocalAsync(["--auth-server", $"127.0.0.1:{auth?.Port ?? AuthBalancerPort}", .. args]);

    /// <summary>tsh login straight to one proxy, not through the balancer (its certificate names 127.0.0.1 too).</summary>
    public async Task LoginThroughAsync(string user, Node proxy)
    {
        (await Cli.TshAsync(user, ["login", $"--proxy=127.0.0.1:{proxy.Port}", "--user=" + user, "--insecure"], AwsCluster.Password + "\n")).EnsureSuccess($"tsh login through {proxy.Name}");
        (await Cli.TshAsync(user, ["apps", "login", "--aws-role", "ExampleTeleportDynamoDBRole", AppName])).EnsureSuccess($"tsh apps login through {proxy.Name}");
    }

    /// <summary>A user with the given roles, logged in through the balancer, and logged into the app.</summary>
    public async Task AddLoggedInUserAsync(string user, string roles)
    {
        await Cli.AddUserAsync(user, roles, AwsCluster.Password);
        (await Cli.LoginAsync(user, AwsCluster.Password)).EnsureSuccess("tsh login");
        (await Cli.TshAsync(user, ["apps", "login", "--aws-role", "ExampleTeleportDynamoDBRole", AppName])).EnsureSuccess("tsh apps login");
    }

    /// <summary>Every process's output, for failure messages.</summary>
    public string Logs() => string.Join("\n", _nodes.Select(n => $"===== {n.Name} =====\n{n.Process?.Output}")) + "\n===== haproxy =====\n" + Balancer?.Output;

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Enumerable.Reverse(_nodes))
        {
            await node.DisposeAsync();
        }

        if (Balancer is not null)
        {
            await Balancer.DisposeAsync();
        }

        if (Sandbox is not null)
        {
            await Sandbox.DisposeAsync();
        }

        await _postgres.DisposeAsync();
        if (Cli is not null)
        {
            await Cli.DisposeAsync();
        }
        else
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
    }

    [GeneratedRegex("sha256:[0-9a-f]{64}")]
    private static partial Regex CaPin();
}
