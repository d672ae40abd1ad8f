using System.Text.RegularExpressions;
using Ferry.Core.Resources;

namespace Ferry.Core.Apps;

/// <summary>
/// Recognises AWS console apps and picks the partition's federation endpoint (docs/aws-access.md §3.4 step 5 and
/// §3.6; Teleport <c>api/utils/aws/console.go</c>). Such an app serves both the browser console and the AWS API.
/// </summary>
public static partial class AwsConsole
{
    public const string CloudAws = "AWS";

    private const string StandardConsole = "console.aws.amazon.com";
    private const string GovConsole = "console.amazonaws-us-gov.com";
    private const string ChinaConsole = "console.amazonaws.cn";
    private const string QuickSightConsole = "quicksight.aws.amazon.com";

    public const string StandardFederationUrl = "https://signin.aws.amazon.com/federation";
    public const string GovFederationUrl = "https://signin.amazonaws-us-gov.com/federation";
    public const string ChinaFederationUrl = "https://signin.amazonaws.cn/federation";

    /// <summary>
    /// https on port 443 to console.aws.amazon.com, console.amazonaws-us-gov.com, console.amazonaws.cn, a regional
    /// host such as us-west-2.console.aws.amazon.com, or the QuickSight console.
    /// </summary>
    public static bool IsAwsConsoleUri(string? uri) => ConsoleHost(uri) is not null;

    /// <summary>An app is an AWS app when its URI is a console URL or it says <c>cloud: AWS</c>.</summary>
    public static bool IsAwsApp(App app) => IsAwsApp(app.Spec);

    public static bool IsAwsApp(AppSpec spec) =>
        string.Equals(spec.Cloud, CloudAws, StringComparison.OrdinalIgnoreCase) || IsAwsConsoleUri(spec.Uri);

    /// <summary>The partition implied by the console URL: aws-us-gov, aws-cn, otherwise aws.</summary>
    public static string PartitionFromUri(string? uri) => ConsoleHost(uri) switch
    {
        { } host when host.EndsWith(GovConsole, StringComparison.Ordinal) => "aws-us-gov",
        { } host when host.EndsWith(ChinaConsole, StringComparison.Ordinal) => "aws-cn",
        _ => "aws",
    };

    public static string FederationUrlForPartition(string partition) => partition switch
    {
        "aws-us-gov" => GovFederationUrl,
        "aws-cn" => ChinaFederationUrl,
        _ => StandardFederationUrl,
    };

    /// <summary>The sign-in federation endpoint for an app URI (anything not GovCloud or China uses the standard one).</summary>
    public static string FederationUrlForUri(string? uri) => FederationUrlForPartition(PartitionFromUri(uri));

    private static string? ConsoleHost(string? uri)
    {
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || parsed.Scheme != Uri.UriSchemeHttps || parsed.Port != 443)
        {
            return null;
        }
        var host = parsed.IdnHost.ToLowerInvariant();
        foreach (var baseHost in (ReadOnlySpan<string>)[StandardConsole, GovConsole, ChinaConsole, QuickSightConsole])
        {
            if (host == baseHost)
            {
                return host;
            }
            if (host.EndsWith("." + baseHost, StringComparison.Ordinal) && Region().IsMatch(host[..^(baseHost.Length + 1)]))
            {
                return host;
            }
        }
        return null;
    }

    // AWS region names: us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-4, ...
    [GeneratedRegex("^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]+$")]
    private static partial Regex Region();
}
