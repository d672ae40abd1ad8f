namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>
/// One aws CLI in one local-proxy mode: v1 (pyenv, on PATH) or v2 (Debian's /usr/bin/aws) as the <c>aws</c> tsh finds
/// on PATH, through <c>tsh aws</c> (HTTPS_PROXY, the default) or <c>tsh aws -e</c> (endpoint URL).
/// </summary>
internal sealed record AwsCliWay(string Name, string Cli, bool EndpointUrl)
{
    public static readonly AwsCliWay[] All =
    [
        new("v1-proxy", "v1", EndpointUrl: false),
        new("v1-endpoint", "v1", EndpointUrl: true),
        new("v2-proxy", "v2", EndpointUrl: false),
        new("v2-endpoint", "v2", EndpointUrl: true),
    ];

    /// <summary><c>tsh aws [-e] ARGS</c> with the user's environment and a PATH whose <c>aws</c> is this way's CLI.</summary>
    public Task<ProcessResult> TshAwsAsync(AwsCluster aws, string user, params string[] args)
    {
        var environment = aws.Cluster.Environment(user);
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        environment["PATH"] = Cli == "v2" ? V2Directory(aws, user) + ":" + path : path;
        string[] tshArgs = EndpointUrl ? ["aws", "-e", .. args] : ["aws", .. args];
        return Run.CommandAsync(Binaries.Tsh, tshArgs, environment, workingDirectory: aws.Cluster.HomeOf(user));
    }

    /// <summary>Which aws tsh runs is whichever PATH finds first; proves each CLI is the one it is named after.</summary>
    public static async Task AssertBothClisAsync(AwsCluster aws, string user)
    {
        foreach (var cli in new[] { "v1", "v2" })
        {
            var version = (await new AwsCliWay(cli, cli, EndpointUrl: false).TshAwsAsync(aws, user, "--version")).EnsureSuccess("aws --version");
            Xunit.Assert.StartsWith(cli == "v1" ? "aws-cli/1." : "aws-cli/2.", (version.Stdout + version.Stderr).Trim());
        }
    }

    /// <summary>A directory whose <c>aws</c> is Debian's CLI v2 (/usr/bin/aws is also on PATH, after pyenv's v1 shim).</summary>
    private static string V2Directory(AwsCluster aws, string user)
    {
        Xunit.Assert.True(File.Exists("/usr/bin/aws"), "Debian's aws CLI v2 is required at /usr/bin/aws (apt-get install awscli; scripts/test.sh installs it)");
        var directory = Path.Combine(aws.Cluster.HomeOf(user), "aws-v2-bin");
        if (!File.Exists(Path.Combine(directory, "aws")))
        {
            Directory.CreateDirectory(directory);
            File.CreateSymbolicLink(Path.Combine(directory, "aws"), "/usr/bin/aws");
        }

        return directory;
    }
}
