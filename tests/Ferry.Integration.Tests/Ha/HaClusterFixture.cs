using Ferry.Integration.Tests.Infrastructure;

namespace Ferry.Integration.Tests.Ha;

/// <summary>One HA topology shared by a test class.</summary>
public sealed class HaClusterFixture : IAsyncLifetime
{
    internal HaCluster Ha { get; private set; } = null!;

    public async Task InitializeAsync() => Ha = await HaCluster.StartAsync();

    public async Task DisposeAsync() => await Ha.DisposeAsync();
}
