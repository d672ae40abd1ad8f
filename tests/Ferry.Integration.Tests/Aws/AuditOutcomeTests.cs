using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// Every AWS request leaves exactly one audit event, whatever became of it: answered by AWS (its own refusals
/// included), or failed at STS. (Refusals by RBAC, a lock, a revocation and a missing agent: AgentFailureTests and
/// Trust/LockTests.)
/// </summary>
public sealed class AuditOutcomeTests : IClassFixture<AwsClusterFixture>
{
    private readonly AwsCluster _aws;

    public AuditOutcomeTests(AwsClusterFixture fixture)
    {
        _aws = fixture.Aws;
    }

    [Fact]
    public async Task EachRequest_LeavesExactlyOneEvent_SuccessOrAwsRefusal()
    {
        await _aws.AddLoggedInUserAsync("olive", "access,aws-dynamodb-access");
        for (var i = 0; i < 3; i++)
        {
            (await _aws.TshAwsAsync("olive", "dynamodb", "list-tables")).EnsureSuccess("list-tables");
        }

        // The sandbox's role may not delete tables: AWS itself refuses, and that answer is what is recorded.
        var refused = await _aws.TshAwsAsync("olive", "dynamodb", "delete-table", "--table-name", AwsSandbox.Table);
        Assert.NotEqual(0, refused.ExitCode);

        // A marker request last: the agent reports in order, so once its event is in, everything before it is too.
        (await _aws.TshAwsAsync("olive", "dynamodb", "describe-table", "--table-name", AwsSandbox.Table)).EnsureSuccess("marker");
        await AuditOutcomes.WaitForAsync(_aws.Cluster, "olive", e => e.Target == "DynamoDB_20120810.DescribeTable");
        var events = await AuditOutcomes.ListAsync(_aws.Cluster, "olive");

        Assert.Equal(3, events.Count(e => e.Success && e.Target == "DynamoDB_20120810.ListTables"));
        var delete = Assert.Single(events, e => e.Target == "DynamoDB_20120810.DeleteTable");
        Assert.False(delete.Success);
        Assert.InRange(delete.Status, 400, 403);
        Assert.Equal(5, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }

    [Fact]
    public async Task ARoleTheAgentCannotAssume_FailsAtSts_AndIsAuditedWithTheReason()
    {
        const string Missing = "arn:aws:iam::123456789000:role/DoesNotExist";
        var role = Path.Combine(_aws.Cluster.Directory, "missing-role.yaml");
        await File.WriteAllTextAsync(role, AwsCluster.GuideRole
            .Replace("aws-dynamodb-access", "missing-arn", StringComparison.Ordinal)
            .Replace("arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole", Missing, StringComparison.Ordinal) + "\n");
        (await _aws.Cluster.TctlLocalAsync(["create", "-f", role])).EnsureSuccess("create role missing-arn");
        await _aws.AddLoggedInUserAsync("pete", "access,missing-arn", appLogin: false);
        (await _aws.Cluster.TshAsync("pete", ["apps", "login", "--aws-role", Missing, AwsCluster.AppName])).EnsureSuccess("apps login");

        var result = await _aws.TshAwsAsync("pete", "dynamodb", "list-tables");

        Assert.NotEqual(0, result.ExitCode);
        var sts = Assert.Single(await AuditOutcomes.WaitForAsync(_aws.Cluster, "pete", e => !e.Success));
        Assert.NotEqual("", sts.Error);
        Assert.DoesNotContain("status 200", sts.Error);
    }
}
