using Amazon.Runtime;
using Ferry.Aws.Tests.Infrastructure;

namespace Ferry.Aws.Tests.Sts;

/// <summary>
/// One moto for the STS tests: an agent user allowed sts:AssumeRole, the role it assumes, and a user without
/// sts:AssumeRole. The 9 setup actions are free; every later call is signature- and IAM-checked.
/// </summary>
public sealed class StsMotoFixture : IAsyncLifetime
{
    public const string RoleName = "ExampleTeleportDynamoDBRole";
    public const string ExternalId = "example-external-id";
    private const int SetupActions = 3 + 2 + 1 + 3;

    public MotoServer Moto { get; private set; } = null!;

    public string RoleArn { get; private set; } = null!;

    /// <summary>A role whose trust policy requires <see cref="ExternalId"/>.</summary>
    public string ExternalIdRoleArn { get; private set; } = null!;

    public BasicAWSCredentials Agent { get; private set; } = null!;

    public BasicAWSCredentials NoAssume { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Moto = await MotoServer.StartAsync(initialNoAuthActionCount: SetupActions);
        Agent = await Moto.CreateUserAsync("ferry-agent", MotoServer.Allow("sts:AssumeRole", "sts:GetCallerIdentity"));
        var agent = MotoServer.UserArn("ferry-agent");
        RoleArn = await Moto.CreateRoleAsync(RoleName, MotoServer.Trust(agent), MotoServer.Allow("sts:GetCallerIdentity", "dynamodb:*"));
        ExternalIdRoleArn = await Moto.CreateRoleAsync("ExternalIdRole", MotoServer.Trust(agent, ExternalId));
        NoAssume = await Moto.CreateUserAsync("no-assume", MotoServer.Allow("sts:GetCallerIdentity"));
    }

    public async Task DisposeAsync() => await Moto.DisposeAsync();
}
