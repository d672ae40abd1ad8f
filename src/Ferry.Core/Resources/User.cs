namespace Ferry.Core.Resources;

/// <summary>
/// A <c>kind: user</c> resource (version v2). Credentials (password hash, TOTP secret) are never part of it:
/// they live under their own keys so that <c>tctl get users/x &gt; out.yaml; tctl create -f out.yaml</c> cannot touch them.
/// </summary>
public sealed record User : IResource
{
    public const string Kind = ResourceKinds.User;
    public string Version { get; init; } = "v2";
    public required ResourceMetadata Metadata { get; init; }
    public UserSpec Spec { get; init; } = new();

    public string Name => Metadata.Name;

    /// <summary>Made by a single sign-on connector: logs in only through it, never with a password.</summary>
    public bool IsSso => Spec.CreatedBy?.Connector is not null;

    string IResource.ResourceKind => Kind;
}

public sealed record UserSpec
{
    public IReadOnlyList<string> Roles { get; init; } = [];
    /// <summary>Internal traits, e.g. aws_role_arns, used by role templates as {{internal.NAME}}.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Traits { get; init; } = new Dictionary<string, IReadOnlyList<string>>();
    public UserCreatedBy? CreatedBy { get; init; }
    public UserStatus Status { get; init; } = new();
}

public sealed record UserCreatedBy
{
    public DateTimeOffset Time { get; init; }
    public string User { get; init; } = "";

    /// <summary>Set for users a single sign-on connector made (Teleport's <c>created_by.connector</c>); they have no password.</summary>
    public UserConnectorRef? Connector { get; init; }
}

/// <summary>The connector that made a user and who the identity provider said they are.</summary>
public sealed record UserConnectorRef
{
    /// <summary><c>github</c>, <c>oidc</c> or <c>saml</c>.</summary>
    public string Type { get; init; } = "";
    /// <summary>The connector's name.</summary>
    public string Id { get; init; } = "";
    /// <summary>The identity provider's subject (GitHub login, OIDC sub, SAML NameID).</summary>
    public string Identity { get; init; } = "";
}

public sealed record UserStatus
{
    public bool IsLocked { get; init; }
    public string? LockedMessage { get; init; }
    public DateTimeOffset? LockedTime { get; init; }
    public DateTimeOffset? LockExpires { get; init; }
}
