using System.Text.RegularExpressions;
using Ferry.Bench.Infrastructure;

namespace Ferry.Bench.Setup;

/// <summary>
/// An all-in-one cluster (auth + proxy, SQLite) as a real <c>teleport start</c> on loopback ports, set up the way
/// the guide's steps do: a role mapping to the sandbox's IAM role, one user, and app join tokens.
/// </summary>
internal sealed partial class FerryCluster : IAsyncDisposable
{
    public const string Password = "a-long-enough-password";
    public const string User = "bench";
    public const string AppUri = "https://console.aws.amazon.com/dynamodbv2/home";

    private readonly Repo _repo;
    private readonly ChildProcess _process;

    private FerryCluster(Repo repo, string directory, int webPort, ChildProcess process)
    {
        _repo = repo;
        Directory = directory;
        WebPort = webPort;
        _process = process;
    }

    public string Directory { get; }

    public int ProcessId => _process.Id;

    public int WebPort { get; }

    public string ProxyAddress => $"127.0.0.1:{WebPort}";

    public string ConfigPath => Path.Combine(Directory, "cluster.yaml");

    public static async Task<FerryCluster> StartAsync(Repo repo, string directory, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(directory);
        var authPort = FreePort.Next();
        var webPort = FreePort.Next();
        var config = Path.Combine(directory, "cluster.yaml");
        await File.WriteAllTextAsync(config, $"""
            version: v3
            teleport:
              nodename: bench-cluster
              data_dir: {Path.Combine(directory, "data")}
              log:
                output: stderr
                severity: INFO
            auth_service:
              enabled: yes
              listen_addr: 127.0.0.1:{authPort}
              cluster_name: bench
              authentication:
                type: local
                second_factor: off
            proxy_service:
              enabled: yes
              web_listen_addr: 127.0.0.1:{webPort}
              public_addr: 127.0.0.1:{webPort}
            ssh_service:
              enabled: no

            """, cancellationToken);

        var process = ChildProcess.Start("teleport (auth+proxy)", repo.Teleport, ["start", "-c", config], ChildEnvironment.Clean(), Path.Combine(directory, "teleport.log"), directory);
        var cluster = new FerryCluster(repo, directory, webPort, process);
        try
        {
            using var http = new HttpClient(new SocketsHttpHandler
            {
                UseProxy = false,
                SslOptions = { RemoteCertificateValidationCallback = (_, _, _, _) => true }, // readiness only; nothing is sent
            });
            await process.WaitUntilAsync(
                async () => (await http.GetAsync($"https://{cluster.ProxyAddress}/v1/webapi/ping", cancellationToken)).IsSuccessStatusCode,
                "the proxy to answer /v1/webapi/ping", TimeSpan.FromSeconds(60), cancellationToken);
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>tctl on the auth host (full privileges through the local admin identity).</summary>
    public Task<ProcessResult> TctlAsync(IEnumerable<string> args, CancellationToken cancellationToken, string? stdin = null)
    {
        var environment = ChildEnvironment.Clean();
        environment["HOME"] = Directory;
        return Run.CommandAsync(_repo.Tctl, ["-c", ConfigPath, .. args], environment, cancellationToken, stdin, Directory);
    }

    public async Task<string> CaPinAsync(CancellationToken cancellationToken)
    {
        var status = (await TctlAsync(["status"], cancellationToken)).EnsureSuccess("tctl status");
        return CaPinPattern().Match(status.Stdout) is { Success: true } match
            ? match.Value
            : throw new InvalidOperationException("tctl status printed no CA pin:\n" + status.Stdout);
    }

    /// <summary>A join token for an app agent serving <paramref name="app"/>, written to a file as the agent's token_name.</summary>
    public async Task<string> AddAppTokenAsync(string app, CancellationToken cancellationToken)
    {
        var result = (await TctlAsync(["tokens", "add", "--type=app", "--app-name=" + app, "--app-uri=" + AppUri, "--format=text"], cancellationToken))
            .EnsureSuccess("tctl tokens add");
        var path = Path.Combine(Directory, app + ".token");
        await File.WriteAllTextAsync(path, result.Stdout.Trim() + "\n", cancellationToken);
        return path;
    }

    /// <summary>The guide's Step 2 role, and the bench user holding it.</summary>
    public async Task AddUserAsync(CancellationToken cancellationToken)
    {
        var role = $"""
            kind: role
            version: v5
            metadata:
              name: aws-dynamodb-access
            spec:
              allow:
                app_labels:
                  '*': '*'
                aws_role_arns:
                - {AwsSandbox.RoleArn}

            """;
        (await TctlAsync(["create", "-f"], cancellationToken, role)).EnsureSuccess("tctl create (role)");
        (await TctlAsync(["users", "add", User, "--roles=access,aws-dynamodb-access", "--password-stdin"], cancellationToken, Password + "\n"))
            .EnsureSuccess("tctl users add");
    }

    /// <summary>Polls tctl apps ls until every app in <paramref name="apps"/> is announced.</summary>
    public async Task WaitForAppsAsync(IReadOnlyCollection<string> apps, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < 150; attempt++)
        {
            var list = await TctlAsync(["apps", "ls"], cancellationToken);
            if (list.ExitCode == 0 && apps.All(app => list.Stdout.Contains(app, StringComparison.Ordinal)))
            {
                return;
            }

            _process.ThrowIfExited("the app agents to register");
            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"apps {string.Join(", ", apps)} were not announced within 30 s:\n{_process.Output}");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    [GeneratedRegex("sha256:[0-9a-f]{64}")]
    private static partial Regex CaPinPattern();
}
