using System.Text.Json;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// tsh aws's resident local proxy (docs/aws-access.md §2.4): the first command starts it in a session of its own (Ctrl-C
/// in the user's terminal does not reach it), later commands reuse it, a new app login or logout stops it, and a state
/// file anyone else could read is never used.
/// </summary>
public sealed class TshAwsResidentProxyTests : IClassFixture<AwsClusterFixture>
{
    private readonly AwsCluster _aws;

    public TshAwsResidentProxyTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task FirstCommandStartsTheResident_InItsOwnSession_AndLaterCommandsReuseIt_OnePerMode()
    {
        await _aws.AddLoggedInUserAsync("rhea", "access,aws-dynamodb-access");

        var identity = (await _aws.TshAwsAsync("rhea", "sts", "get-caller-identity")).EnsureSuccess("tsh aws sts get-caller-identity");
        Assert.Contains("assumed-role/ExampleTeleportDynamoDBRole/rhea", identity.Stdout);

        var statePath = StatePath("rhea", "https-proxy");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(statePath));
        var pid = Pid(statePath);
        Assert.True(IsResident(pid), "the resident proxy is not running");
        Assert.NotEqual(SessionOf(Environment.ProcessId), SessionOf(pid));

        (await _aws.TshAwsAsync("rhea", "dynamodb", "list-tables")).EnsureSuccess("second tsh aws");
        Assert.Equal(pid, Pid(statePath));

        (await _aws.TshAwsAsync("rhea", "-e", "dynamodb", "list-tables")).EnsureSuccess("tsh aws -e");
        var endpointPid = Pid(StatePath("rhea", "endpoint-url"));
        Assert.NotEqual(pid, endpointPid);
        Assert.True(IsResident(pid) && IsResident(endpointPid));

        (await _aws.Cluster.TshAsync("rhea", ["logout"])).EnsureSuccess("tsh logout");
        await Until.TrueAsync(() => !IsResident(pid) && !IsResident(endpointPid), "tsh logout to stop both residents");
    }

    [Fact]
    public async Task AppsLoginAgain_ReplacesTheResident_AndAppsLogoutStopsIt()
    {
        await _aws.AddLoggedInUserAsync("remy", "access,aws-dynamodb-access");
        (await _aws.TshAwsAsync("remy", "dynamodb", "list-tables")).EnsureSuccess("tsh aws");
        var statePath = StatePath("remy", "https-proxy");
        var first = Pid(statePath);

        (await _aws.Cluster.TshAsync("remy", ["apps", "login", "--aws-role", "ExampleTeleportDynamoDBRole", AwsCluster.AppName])).EnsureSuccess("tsh apps login again");
        await Until.TrueAsync(() => !IsResident(first), "a new app login to stop the resident of the old certificate");
        Assert.False(File.Exists(statePath));

        (await _aws.TshAwsAsync("remy", "dynamodb", "list-tables")).EnsureSuccess("tsh aws with the new certificate");
        var second = Pid(statePath);
        Assert.NotEqual(first, second);

        (await _aws.Cluster.TshAsync("remy", ["apps", "logout", AwsCluster.AppName])).EnsureSuccess("tsh apps logout");
        await Until.TrueAsync(() => !IsResident(second), "tsh apps logout to stop the resident");
        Assert.False(File.Exists(statePath));
    }

    [Fact]
    public async Task StateFileReadableByOthers_IsNotUsed_AndItsResidentStops()
    {
        await _aws.AddLoggedInUserAsync("rosa", "access,aws-dynamodb-access");
        (await _aws.TshAwsAsync("rosa", "dynamodb", "list-tables")).EnsureSuccess("tsh aws");
        var statePath = StatePath("rosa", "https-proxy");
        var first = Pid(statePath);

        File.SetUnixFileMode(statePath, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        await Until.TrueAsync(() => !IsResident(first), "the resident to give up a lease whose keys others may have read");

        (await _aws.TshAwsAsync("rosa", "dynamodb", "list-tables")).EnsureSuccess("tsh aws after");
        Assert.NotEqual(first, Pid(statePath));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(statePath));
    }

    private string StatePath(string user, string mode) =>
        Path.Combine(_aws.Cluster.HomeOf(user), ".tsh", "keys", "127.0.0.1", user + "-app", "ferry.test", $"{AwsCluster.AppName}-aws-proxy.{mode}.state");

    private static int Pid(string statePath)
    {
        using var state = JsonDocument.Parse(File.ReadAllText(statePath));
        return state.RootElement.GetProperty("pid").GetInt32();
    }

    /// <summary>Alive and still the resident (a zombie or a reused number has another command line).</summary>
    private static bool IsResident(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Split('\0').Contains("aws-resident");
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>The session id (field 6 of /proc/PID/stat; the command name in field 2 may hold spaces, so count after its ')').</summary>
    private static string SessionOf(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3];
    }
}
