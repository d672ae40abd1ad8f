using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Aws;

/// <summary>
/// Every AWS request leaves exactly one audit event, whatever became of it: here answered by AWS, its own refusals
/// included. (Refusals by RBAC, a lock, a revocation, a missing agent and an unreachable AWS: AgentFailureTests and
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

        // The sandbox's role may use DynamoDB only: AWS itself refuses IAM, and that answer is what is recorded.
        var refused = await _aws.TshAwsAsync("olive", "iam", "list-users");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("AccessDenied", refused.Stderr);

        // A marker request last: the agent reports in order, so once its event is in, everything before it is too.
        (await _aws.TshAwsAsync("olive", "dynamodb", "describe-table", "--table-name", AwsSandbox.Table)).EnsureSuccess("marker");
        await AuditOutcomes.WaitForAsync(_aws.Cluster, "olive", e => e.Target == "DynamoDB_20120810.DescribeTable");
        var events = await AuditOutcomes.ListAsync(_aws.Cluster, "olive");

        Assert.Equal(3, events.Count(e => e.Success && e.Target == "DynamoDB_20120810.ListTables"));
        var iam = Assert.Single(events, e => e.Type == "app.session.request");
        Assert.False(iam.Success);
        Assert.Equal(403, iam.Status);
        Assert.Equal(5, events.Count);
        Assert.Equal(events.Count, events.Select(e => e.Id).Distinct().Count());
    }
}
