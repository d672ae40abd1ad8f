namespace Ferry.Integration.Tests.Infrastructure;

/// <summary>One cluster shared by the tests of a class (they run one after another).</summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    internal TestCluster Cluster { get; private set; } = null!;

    public async Task InitializeAsync() => Cluster = await TestCluster.StartAsync();

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}
