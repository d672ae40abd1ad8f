using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// A new `tsh login` makes a new key, so the app certificates of the last login no longer match it. tsh renews each
/// app login for the new key, or says which to log into again when it cannot; no command shows a stack trace.
/// </summary>
public sealed class ReLoginTests : IClassFixture<AwsClusterFixture>
{
    private readonly AwsCluster _aws;

    public ReLoginTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task LoginAgain_KeepsTheAppLoginUsable()
    {
        await _aws.AddLoggedInUserAsync("quincy", "access,aws-dynamodb-access");
        (await _aws.TshAwsAsync("quincy", "sts", "get-caller-identity")).EnsureSuccess("before");

        var again = (await _aws.Cluster.LoginAsync("quincy", AwsCluster.Password)).EnsureSuccess("tsh login again");
        Assert.DoesNotContain("could not be renewed", again.Stderr);

        var identity = (await _aws.TshAwsAsync("quincy", "sts", "get-caller-identity")).EnsureSuccess("after logging in again");
        Assert.Contains("assumed-role/ExampleTeleportDynamoDBRole/quincy", identity.Stdout);
        var status = (await _aws.Cluster.TshAsync("quincy", ["status"])).EnsureSuccess("status");
        Assert.Contains(AwsCluster.AppName, status.Stdout);
    }

    [Fact]
    public async Task LoginAgain_WhenTheAppRoleIsGone_SaysToLogInToTheAppAgain_AndTshAwsSaysSoToo()
    {
        await _aws.AddLoggedInUserAsync("rhea", "access,aws-dynamodb-access");
        (await _aws.Cluster.TctlLocalAsync(["users", "update", "rhea", "--set-roles=access"])).EnsureSuccess("drop the AWS role");

        var again = (await _aws.Cluster.LoginAsync("rhea", AwsCluster.Password)).EnsureSuccess("tsh login again");
        Assert.Contains($"Your login to app \"{AwsCluster.AppName}\" could not be renewed", again.Stderr);
        Assert.Contains($"tsh apps login {AwsCluster.AppName}", again.Stderr);

        var aws = await _aws.TshAwsAsync("rhea", "sts", "get-caller-identity");
        Assert.NotEqual(0, aws.ExitCode);
        Assert.Contains("tsh apps login", aws.Stderr);
        Assert.DoesNotContain("Exception", aws.Stderr);
        Assert.DoesNotContain("   at ", aws.Stderr);
    }

    [Fact]
    public async Task AnAppCertificateFromAnEarlierKey_GivesTheNextStep_NotAStackTrace()
    {
        await _aws.AddLoggedInUserAsync("saul", "access,aws-dynamodb-access");
        var keys = Path.Combine(_aws.Cluster.HomeOf("saul"), ".tsh", "keys", "127.0.0.1");
        var appCertificate = Path.Combine(keys, "saul-app", "ferry.test", AwsCluster.AppName + "-x509.pem");
        var stale = await File.ReadAllTextAsync(appCertificate);
        (await _aws.Cluster.LoginAsync("saul", AwsCluster.Password)).EnsureSuccess("tsh login again");
        await File.WriteAllTextAsync(appCertificate, stale); // as an older tsh would have left it

        var aws = await _aws.TshAwsAsync("saul", "sts", "get-caller-identity");

        Assert.NotEqual(0, aws.ExitCode);
        Assert.Contains("was issued for an earlier key of yours", aws.Stderr);
        Assert.Contains($"tsh apps login {AwsCluster.AppName}", aws.Stderr);
        Assert.DoesNotContain("ArgumentException", aws.Stderr);
    }
}
