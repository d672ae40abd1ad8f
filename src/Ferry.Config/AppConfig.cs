using Ferry.Core.Apps;
using Ferry.Core.Resources;

namespace Ferry.Config;

/// <summary>One entry of <c>app_service.apps</c>.</summary>
public sealed record AppConfig
{
    /// <summary>Label marking where an app came from, as Teleport sets it.</summary>
    public const string OriginLabel = "teleport.dev/origin";

    public required string Name { get; init; }
    public required string Uri { get; init; }
    public string? Description { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary>Host name the app is served at; default &lt;name&gt;.&lt;proxy public host&gt;.</summary>
    public string? PublicAddr { get; init; }
    public bool InsecureSkipVerify { get; init; }
    /// <summary>"AWS" or null; console URIs are AWS apps either way.</summary>
    public string? Cloud { get; init; }
    public AppAwsConfig? Aws { get; init; }

    /// <summary>
    /// The app resource an agent announces: labels plus <c>teleport.dev/origin: config-file</c>, <c>cloud: AWS</c> for
    /// console URIs, and the default public address when none is configured.
    /// </summary>
    public App ToApp(string? proxyPublicAddr)
    {
        var labels = new SortedDictionary<string, string>(Labels.ToDictionary(), StringComparer.Ordinal) { [OriginLabel] = "config-file" };
        var publicAddr = PublicAddr ?? (string.IsNullOrEmpty(proxyPublicAddr) ? "" : AppNaming.DefaultPublicAddr(Name, proxyPublicAddr));
        var spec = new AppSpec
        {
            Uri = Uri,
            PublicAddr = publicAddr,
            Cloud = Cloud,
            Aws = Aws is null ? null : new AppAws { ExternalId = Aws.ExternalId, SourceIdentity = Aws.SourceIdentity },
            InsecureSkipVerify = InsecureSkipVerify,
        };
        if (spec.Cloud is null && AwsConsole.IsAwsConsoleUri(Uri))
        {
            spec = spec with { Cloud = AwsConsole.CloudAws };
        }
        return new App { Metadata = new ResourceMetadata { Name = Name, Description = Description, Labels = labels }, Spec = spec };
    }
}

public sealed record AppAwsConfig
{
    /// <summary>Passed as ExternalId to sts:AssumeRole.</summary>
    public string? ExternalId { get; init; }
    /// <summary>Send SourceIdentity = Teleport user on AssumeRole (Ferry extension; default false).</summary>
    public bool SourceIdentity { get; init; }
}
