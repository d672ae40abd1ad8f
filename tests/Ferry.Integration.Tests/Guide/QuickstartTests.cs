using System.Globalization;
using System.Text.RegularExpressions;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Guide;

/// <summary>README's first command: the quickstart brings up a cluster, a first user, the AWS sandbox and an agent, and the guide's Step 5 works.</summary>
public sealed partial class QuickstartTests
{
    [Fact]
    public async Task Quickstart_PrintsHowToLogIn_AndTheGuidesStep5Works()
    {
        var state = Directory.CreateTempSubdirectory("ferry-qs-").FullName;
        var home = Path.Combine(state, "home");
        Directory.CreateDirectory(home);
        var webPort = FreePort.Next();
        var environment = new Dictionary<string, string?>
        {
            ["FERRY_STATE_DIR"] = state,
            ["FERRY_BIN"] = Binaries.BinDirectory,
            ["FERRY_LINK_DIR"] = Path.Combine(state, "links"),
            ["FERRY_WEB_PORT"] = webPort.ToString(CultureInfo.InvariantCulture),
            ["FERRY_AUTH_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["FERRY_SANDBOX_PORT"] = FreePort.Next().ToString(CultureInfo.InvariantCulture),
            ["HOME"] = home,
            ["AWS_ACCESS_KEY_ID"] = null, // no AWS credentials: the local sandbox
            ["AWS_SECRET_ACCESS_KEY"] = null,
            ["AWS_SESSION_TOKEN"] = null,
        };
        var script = Path.Combine(Binaries.RepositoryRoot, "scripts", "quickstart.sh");
        try
        {
            var started = (await Run.CommandAsync(script, [], environment, timeout: TimeSpan.FromMinutes(3))).EnsureSuccess("scripts/quickstart.sh");
            var login = $"tsh login --proxy=localhost:{webPort} --user=admin --insecure";
            Assert.Contains(login, started.Stdout);
            Assert.Contains("tsh aws dynamodb list-tables", started.Stdout);
            var password = PasswordLine().Match(started.Stdout).Groups["password"].Value;
            Assert.NotEmpty(password);

            var user = new Dictionary<string, string?>(environment) { ["TELEPORT_HOME"] = Path.Combine(home, ".tsh"), ["AWS_CA_BUNDLE"] = null, ["AWS_DEFAULT_REGION"] = "us-east-1" };
            (await Run.BashAsync(login, user, home, password + "\n")).EnsureSuccess(login);
            (await Run.BashAsync("tsh apps login --aws-role ExampleTeleportDynamoDBRole aws-dynamodb", user, home)).EnsureSuccess("tsh apps login");
            var tables = (await Run.BashAsync("tsh aws dynamodb list-tables", user, home)).EnsureSuccess("tsh aws dynamodb list-tables");
            Assert.Contains("my-dynamodb-table", tables.Stdout);
        }
        finally
        {
            await Run.CommandAsync(script, ["stop"], environment);
            // The tsh home first (nothing else writes there): the resident local proxy tsh aws started stops once its
            // state file is gone. The rest may still be written by processes shutting down: best effort.
            try
            {
                Directory.Delete(Path.Combine(home, ".tsh"), recursive: true);
                Directory.Delete(state, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    [GeneratedRegex(@"^Password: (?<password>\S+)", RegexOptions.Multiline)]
    private static partial Regex PasswordLine();
}
