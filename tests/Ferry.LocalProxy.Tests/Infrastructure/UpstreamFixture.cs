namespace Ferry.LocalProxy.Tests.Infrastructure;

/// <summary>One stand-in Ferry proxy per test class.</summary>
public sealed class UpstreamFixture : IAsyncLifetime
{
    internal StandInUpstream Upstream { get; private set; } = null!;

    public async Task InitializeAsync() => Upstream = await StandInUpstream.StartAsync();

    public async Task DisposeAsync() => await Upstream.DisposeAsync();
}
