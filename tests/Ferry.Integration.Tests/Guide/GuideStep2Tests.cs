using System.Text.Json;
using System.Text.RegularExpressions;
using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Guide;

/// <summary>
/// The guide's prerequisites and Step 2 ("Configure the Teleport IAM role mapping", local-user path), run
/// verbatim against a real cluster with the real tctl and tsh binaries.
/// </summary>
public sealed partial class GuideStep2Tests
{
    private const string Password = "correct-horse-battery-staple";

    [Fact]
    public async Task Step2_LocalUser_RoleAddedThroughOutYaml_AppearsAfterLoggingInAgain()
    {
        await using var cluster = await TestCluster.StartAsync();
        await cluster.AddUserAsync("alice", "access,auditor,editor", Password);
        (await cluster.LoginAsync("alice", Password)).EnsureSuccess("tsh login");

        // Prerequisites: tctl used remotely after tsh login.
        var status = (await cluster.TctlAsAsync("alice", ["status"])).EnsureSuccess("tctl status");
        Assert.Matches(@"Cluster\s+ferry\.test", status.Stdout);
        Assert.Matches(@"CA pin\s+sha256:[0-9a-f]{64}", status.Stdout);

        var home = cluster.HomeOf("alice");
        var env = cluster.Environment("alice");
        await File.WriteAllTextAsync(Path.Combine(home, "aws-dynamodb-access.yaml"), AwsCluster.GuideRole + "\n");
        var created = (await Run.BashAsync("tctl create -f aws-dynamodb-access.yaml", env, home)).EnsureSuccess("tctl create -f aws-dynamodb-access.yaml");
        Assert.Contains("aws-dynamodb-access", created.Stdout);

        (await Run.BashAsync("tctl get users/$(tsh status -f json | jq -r '.active.username') > out.yaml", env, home)).EnsureSuccess("tctl get users/... > out.yaml");
        var outYaml = await File.ReadAllTextAsync(Path.Combine(home, "out.yaml"));
        Assert.Contains("name: alice", outYaml);
        await File.WriteAllTextAsync(Path.Combine(home, "out.yaml"), AddRole(outYaml, "aws-dynamodb-access"));
        (await Run.BashAsync("tctl create -f out.yaml", env, home)).EnsureSuccess("tctl create -f out.yaml");

        // The old certificate does not carry the role yet; logging out and in again picks it up.
        Assert.DoesNotContain("aws-dynamodb-access", await RolesAsync(cluster));
        (await cluster.TshAsync("alice", ["logout"])).EnsureSuccess("tsh logout");
        (await cluster.LoginAsync("alice", Password)).EnsureSuccess("tsh login again");
        var roles = await RolesAsync(cluster);
        Assert.Equal(["access", "auditor", "editor", "aws-dynamodb-access"], roles);

        // The role round-trips: what tctl prints parses back and names the guide's ARN.
        var role = (await cluster.TctlAsAsync("alice", ["get", "role/aws-dynamodb-access"])).EnsureSuccess("tctl get role");
        Assert.Contains("arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole", role.Stdout);
    }

    private static async Task<List<string>> RolesAsync(TestCluster cluster)
    {
        var status = (await cluster.TshAsync("alice", ["status", "-f", "json"])).EnsureSuccess("tsh status -f json");
        using var json = JsonDocument.Parse(status.Stdout);
        Assert.Equal("alice", json.RootElement.GetProperty("active").GetProperty("username").GetString());
        return json.RootElement.GetProperty("active").GetProperty("roles").EnumerateArray().Select(r => r.GetString()!).ToList();
    }

    /// <summary>The human edit of the guide: add "- ROLE" below the existing items of the roles list.</summary>
    internal static string AddRole(string yaml, string role)
    {
        var lines = yaml.Split('\n').ToList();
        var rolesLine = lines.FindIndex(l => RolesKey().IsMatch(l));
        Assert.True(rolesLine >= 0, "out.yaml has no roles: list:\n" + yaml);
        var last = rolesLine;
        string? indent = null;
        for (var i = rolesLine + 1; i < lines.Count && ListItem().Match(lines[i]) is { Success: true } item; i++)
        {
            indent = item.Groups[1].Value;
            last = i;
        }

        Assert.NotNull(indent);
        lines.Insert(last + 1, $"{indent}- {role}");
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"^\s*roles:\s*$")]
    private static partial Regex RolesKey();

    [GeneratedRegex(@"^(\s*)- \S")]
    private static partial Regex ListItem();
}
