using Microsoft.Playwright;

namespace Ferry.Web.Tests.Infrastructure;

/// <summary>
/// Screenshots of every page the tests visit, kept as test artefacts under the output's screenshots/ folder. The main
/// ones also go to docs/screenshots/ for the README when FERRY_UPDATE_SCREENSHOTS=1, so a normal run never edits the
/// working tree.
/// </summary>
internal static class Screenshots
{
    public static string Directory { get; } = System.IO.Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    public static async Task SaveAsync(IPage page, string name, bool forDocs = false)
    {
        var path = Path.Combine(Directory, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        if (forDocs && Environment.GetEnvironmentVariable("FERRY_UPDATE_SCREENSHOTS") == "1")
        {
            var docs = System.IO.Directory.CreateDirectory(Path.Combine(Binaries.RepositoryRoot, "docs", "screenshots")).FullName;
            File.Copy(path, Path.Combine(docs, name + ".png"), overwrite: true);
        }
    }
}
