using Ferry.Bench.Infrastructure;

namespace Ferry.Bench.Setup;

/// <summary>
/// The bench user on one "laptop": its own HOME and TELEPORT_HOME, logged in to the cluster and to one AWS app
/// (one app per home, so <c>tsh aws ...</c> needs no --app, as in the guide).
/// </summary>
internal sealed class TshUser
{
    private readonly Repo _repo;
    private readonly FerryCluster _cluster;

    private TshUser(Repo repo, FerryCluster cluster, string home, string app)
    {
        _repo = repo;
        _cluster = cluster;
        Home = home;
        App = app;
    }

    public string Home { get; }

    public string App { get; }

    public string TeleportHome => Path.Combine(Home, ".tsh");

    /// <summary><c>tsh login</c>, then <c>tsh apps login --aws-role</c> (retried while the agent's tunnel comes up).</summary>
    public static async Task<TshUser> LoginAsync(Repo repo, FerryCluster cluster, string home, string app, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(home);
        var user = new TshUser(repo, cluster, home, app);
        (await user.TshAsync(["login", "--proxy=" + cluster.ProxyAddress, "--user=" + FerryCluster.User, "--insecure"], cancellationToken, FerryCluster.Password + "\n"))
            .EnsureSuccess("tsh login");
        (await user.TshAsync(["apps", "login", "--aws-role", AwsSandbox.RoleName, app], cancellationToken)).EnsureSuccess("tsh apps login " + app);
        return user;
    }

    /// <summary>The environment of tsh on this laptop; <paramref name="extra"/> adds to it.</summary>
    public Dictionary<string, string?> Environment(IEnumerable<KeyValuePair<string, string>>? extra = null)
    {
        var environment = ChildEnvironment.Clean();
        environment["HOME"] = Home;
        environment["TELEPORT_HOME"] = TeleportHome;
        environment["AWS_DEFAULT_REGION"] = AwsSandbox.Region;
        return extra is null ? environment : environment.With(extra);
    }

    public Task<ProcessResult> TshAsync(IEnumerable<string> args, CancellationToken cancellationToken, string? stdin = null) =>
        Run.CommandAsync(_repo.Tsh, args, Environment(), cancellationToken, stdin, Home);

    /// <summary>Starts <c>tsh proxy aws [-e] -p PORT</c> and reads the settings it prints.</summary>
    public Task<TshAwsProxy> StartProxyAsync(bool endpointUrl, CancellationToken cancellationToken) =>
        TshAwsProxy.StartAsync(_repo.Tsh, Environment(), Home, endpointUrl, cancellationToken);

    /// <summary>The app certificate and the user's private key, as tsh keeps them (for the no-tsh hop measurement).</summary>
    public (string CertificatePath, string KeyPath) AppCertificateFiles()
    {
        var certificate = Directory.EnumerateFiles(TeleportHome, App + "-x509.pem", SearchOption.AllDirectories).Single();
        // keys/<proxy>/<user>-app/<cluster>/<app>-x509.pem, key at keys/<proxy>/<user>
        var keysDirectory = Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(certificate)))!;
        return (certificate, Path.Combine(keysDirectory, FerryCluster.User));
    }

    /// <summary>The cluster CA certificates tsh pinned at login (they sign the proxy's certificate).</summary>
    public string ClusterCaFile() => Directory.EnumerateFiles(Path.Combine(TeleportHome, "keys"), "*.pem", SearchOption.AllDirectories)
        .Single(path => Path.GetFileName(Path.GetDirectoryName(path)) == "cas");

    public string ProxyAddress => _cluster.ProxyAddress;
}
