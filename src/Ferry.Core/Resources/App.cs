namespace Ferry.Core.Resources;

/// <summary>An application served by an app agent (<c>kind: app</c>, version v3).</summary>
public sealed record App : IResource
{
    public const string Kind = ResourceKinds.App;
    public string Version { get; init; } = "v3";
    public required ResourceMetadata Metadata { get; init; }
    public AppSpec Spec { get; init; } = new();

    public string Name => Metadata.Name;

    string IResource.ResourceKind => Kind;
}

public sealed record AppSpec
{
    public string Uri { get; init; } = "";
    public string PublicAddr { get; init; } = "";
    /// <summary>"AWS" for AWS console/API apps (derived from the URI when not set).</summary>
    public string? Cloud { get; init; }
    public AppAws? Aws { get; init; }
    public bool InsecureSkipVerify { get; init; }
}

public sealed record AppAws
{
    public string? ExternalId { get; init; }
    /// <summary>Send SourceIdentity = user name on AssumeRole so CloudTrail keeps who acted through role chaining.</summary>
    public bool SourceIdentity { get; init; }
}

/// <summary>An agent's heartbeat for one app (<c>kind: app_server</c>, version v3); expires unless renewed.</summary>
public sealed record AppServer : IResource
{
    public const string Kind = ResourceKinds.AppServer;
    public string Version { get; init; } = "v3";
    public required ResourceMetadata Metadata { get; init; }
    public required AppServerSpec Spec { get; init; }

    public string Name => Metadata.Name;

    string IResource.ResourceKind => Kind;
}

public sealed record AppServerSpec
{
    public string Hostname { get; init; } = "";
    public string HostId { get; init; } = "";
    public string Version { get; init; } = "";
    public required App App { get; init; }
}
