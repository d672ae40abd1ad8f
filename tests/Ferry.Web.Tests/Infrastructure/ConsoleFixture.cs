using Microsoft.Playwright;

namespace Ferry.Web.Tests.Infrastructure;

/// <summary>One cluster and one browser shared by every browser test (each test opens its own browser context).</summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;

    internal ConsoleCluster Cluster { get; private set; } = null!;
    internal IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        // The browser first: without it nothing else is worth starting, and its message says how to install it.
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright, ConsoleCluster.PublicHost);
        Cluster = await ConsoleCluster.StartAsync();
    }

    /// <summary>A new browser profile and a page in it.</summary>
    internal async Task<IPage> NewPageAsync()
    {
        var context = await Chromium.NewContextAsync(Browser);
        context.SetDefaultTimeout(15_000);
        return await context.NewPageAsync();
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
