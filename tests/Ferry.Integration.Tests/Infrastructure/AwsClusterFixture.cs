namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>One AWS set-up (moto, cluster, agent) shared by the tests of a class.</summary>
public sealed class AwsClusterFixture : IAsyncLifetime
{
    internal AwsCluster Aws { get; private set; } = null!;

    public async Task InitializeAsync() => Aws = await AwsCluster.StartAsync();

    public async Task DisposeAsync() => await Aws.DisposeAsync();
}
