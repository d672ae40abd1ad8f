using System.Net.Http.Json;

namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// An all-in-one cluster (auth + proxy) started as a real `teleport` process on loopback ports, with its own
/// data directory, plus helpers to run tctl (locally, on the "auth host") and tsh (per user home).
/// </summary>
internal sealed class TestCluster : IAsyncDisposable
{
    private readonly string _configPath;

    private TestCluster(string directory, int authPort, int webPort, string secondFactor)
    {
        Directory = directory;
        AuthPort = authPort;
        WebPort = webPort;
        SecondFactor = secondFactor;
        _configPath = Path.Combine(directory, "teleport.yaml");
        DataDir = Path.Combine(directory, "data");
    }

    public string Directory { get; }
    public int AuthPort { get; }
    public int WebPort { get; }
    public string SecondFactor { get; }
    public string ConfigPath => ConfigPathOverride ?? _configPath;
    public string DataDir { get; }
    public string ProxyAddress => $"127.0.0.1:{WebPort}";
    public TeleportProcess? Process { get; private set; }

    /// <param name="proxyExtra">More proxy_service keys, each line indented as under proxy_service (e.g. https_keypairs).</param>
    public static async Task<TestCluster> StartAsync(string secondFactor = "off", string clusterName = "ferry.test", Func<string, string>? proxyExtra = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "ferry-it-" + Guid.NewGuid().ToString("N")[..10]);
        System.IO.Directory.CreateDirectory(directory);
        var extra = proxyExtra?.Invoke(directory) ?? "";
        var cluster = new TestCluster(directory, FreePort.Next(), FreePort.Next(), secondFactor);
        await File.WriteAllTextAsync(cluster.ConfigPath, $"""
            version: v3
            teleport:
              nodename: ferry-test
              data_dir: {cluster.DataDir}
              log:
                output: stderr
                severity: INFO
            auth_service:
              enabled: yes
              listen_addr: 127.0.0.1:{cluster.AuthPort}
              cluster_name: {clusterName}
              authentication:
                type: local
                second_factor: {secondFactor}
            proxy_service:
              enabled: yes
              web_listen_addr: 127.0.0.1:{cluster.WebPort}
              public_addr: 127.0.0.1:{cluster.WebPort}
            {extra}
            ssh_service:
              enabled: no
            """);
        await cluster.StartProcessAsync();
        return cluster;
    }

    /// <summary>
    /// The CLI side of a cluster whose processes someone else runs (the HA topology): tctl on the host of the auth server
    /// configured in <paramref name="authConfigPath"/>, tsh through the proxy address <paramref name="webPort"/>.
    /// </summary>
    public static TestCluster Attach(string directory, int webPort, string authConfigPath, int authPort) =>
        new(directory, authPort, webPort, "off") { ConfigPathOverride = authConfigPath };

    private string? ConfigPathOverride { get; init; }

    public async Task StartProcessAsync()
    {
        Process = TeleportProcess.Start(ConfigPath);
        using var http = InsecureHttp();
        await Process.WaitUntilAsync(
            async () => (await http.GetAsync($"https://{ProxyAddress}/v1/webapi/ping")).IsSuccessStatusCode,
            "the proxy to answer /v1/webapi/ping");
    }

    /// <summary>Environment for a CLI child: its own HOME and TELEPORT_HOME so nothing touches the real user's files.</summary>
    public Dictionary<string, string?> Environment(string user)
    {
        var home = Path.Combine(Directory, "home-" + user);
        System.IO.Directory.CreateDirectory(home);
        var environment = new Dictionary<string, string?>
        {
            ["HOME"] = home,
            ["TELEPORT_HOME"] = Path.Combine(home, ".tsh"),
            ["TELEPORT_CONFIG_FILE"] = null,
            ["TELEPORT_USER"] = null,
            ["TELEPORT_PROXY"] = null,
            ["AWS_DEFAULT_REGION"] = "us-east-1",
            ["AWS_PAGER"] = "",
        };

        // The machine presets CA bundles and may carry AWS or proxy settings (docs/testing.md §4): a user's shell here has none.
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

    public string HomeOf(string user) => Path.Combine(Directory, "home-" + user);

    /// <summary>tctl on the auth host: full privileges through the local admin identity.</summary>
    public Task<ProcessResult> TctlLocalAsync(IEnumerable<string> args, string? stdin = null) =>
        Run.CommandAsync(Binaries.Tctl, ["-c", ConfigPath, .. args], Environment("admin"), stdin, Directory);

    /// <summary>tctl as <paramref name="user"/> after tsh login (through the proxy).</summary>
    public Task<ProcessResult> TctlAsAsync(string user, IEnumerable<string> args, string? stdin = null) =>
        Run.CommandAsync(Binaries.Tctl, args, Environment(user), stdin, HomeOf(user));

    public Task<ProcessResult> TshAsync(string user, IEnumerable<string> args, string? stdin = null) =>
        Run.CommandAsync(Binaries.Tsh, args, Environment(user), stdin, HomeOf(user));

    /// <summary>Creates a user with a password through local tctl (the scripted path of tctl users add).</summary>
    public async Task AddUserAsync(string user, string roles, string password)
    {
        (await TctlLocalAsync(["users", "add", user, "--roles=" + roles, "--password-stdin"], password + "\n")).EnsureSuccess("tctl users add");
    }

    public async Task<ProcessResult> LoginAsync(string user, string password, string? otp = null)
    {
        var stdin = password + "\n" + (otp is null ? "" : otp + "\n");
        return await TshAsync(user, ["login", "--proxy=" + ProxyAddress, "--user=" + user, "--insecure"], stdin);
    }

    public static HttpClient InsecureHttp() => new(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, _, _, _) => true });

    public async ValueTask DisposeAsync()
    {
        if (Process is not null)
        {
            await Process.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
