using Microsoft.Playwright;

namespace Ferry.Web.Tests.Infrastructure;

/// <summary>
/// Debian's chromium driven by Playwright (docs/testing.md §3.7): no browser download, ever. The proxy's public
/// host and every app subdomain resolve to 127.0.0.1 inside the browser (<c>--host-resolver-rules</c>), so the tests
/// use real host names (ferry.test, aws-dynamodb.ferry.test) without touching /etc/hosts or DNS.
/// </summary>
internal static class Chromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright, string publicHost)
    {
        if (!File.Exists(ExecutablePath))
        {
            // A missing browser is a broken test machine, not a reason to skip: say how to fix it.
            throw new InvalidOperationException(
                $"{ExecutablePath} is missing: the browser tests need Debian's chromium. Install it with: apt-get install -y chromium");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-proxy-server",
                $"--host-resolver-rules=MAP {publicHost} 127.0.0.1, MAP *.{publicHost} 127.0.0.1",
            ],
        });
    }

    /// <summary>A fresh browser profile (own cookies), laptop-sized, trusting the cluster CA's certificate.</summary>
    public static Task<IBrowserContext> NewContextAsync(IBrowser browser) => browser.NewContextAsync(new BrowserNewContextOptions
    {
        IgnoreHTTPSErrors = true,
        ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        Locale = "en-US",
        TimezoneId = "UTC",
    });
}
