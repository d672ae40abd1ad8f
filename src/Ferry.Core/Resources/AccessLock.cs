namespace Ferry.Core.Resources;

/// <summary>
/// A <c>kind: lock</c> resource (version v2, Teleport's shape): while it is in force, every certificate, session and
/// request of its target is refused everywhere in the cluster (docs/locks.md).
/// </summary>
public sealed record AccessLock : IResource
{
    public const string Kind = ResourceKinds.Lock;
    public string Version { get; init; } = "v2";
    public required ResourceMetadata Metadata { get; init; }
    public required LockSpec Spec { get; init; }

    public string Name => Metadata.Name;

    string IResource.ResourceKind => Kind;

    /// <summary>True while the lock is in force at <paramref name="now"/> (a lock without an expiry never lapses).</summary>
    public bool IsInForce(DateTimeOffset now) => Spec.Expires is not { } expires || expires > now;

    /// <summary>True when the lock targets this user or one of these roles.</summary>
    public bool Targets(string user, IReadOnlyList<string> roles) =>
        (Spec.Target.User is { } u && string.Equals(u, user, StringComparison.Ordinal))
        || (Spec.Target.Role is { } r && roles.Contains(r, StringComparer.Ordinal));

    /// <summary>What a refused caller reads: the target and the administrator's message.</summary>
    public string Describe()
    {
        var target = Spec.Target.User is { } user ? $"user \"{user}\"" : $"role \"{Spec.Target.Role}\"";
        var message = string.IsNullOrWhiteSpace(Spec.Message) ? "" : $": {Spec.Message}";
        return $"access is locked (lock {Name} targeting {target}){message}";
    }
}

public sealed record LockSpec
{
    public required LockTarget Target { get; init; }
    public string? Message { get; init; }
    /// <summary>When the lock lapses; null = until removed with tctl rm lock/NAME.</summary>
    public DateTimeOffset? Expires { get; init; }
    public DateTimeOffset? CreatedAt { get; init; }
    public string? CreatedBy { get; init; }
}

/// <summary>Exactly one of user or role.</summary>
public sealed record LockTarget
{
    public string? User { get; init; }
    public string? Role { get; init; }
}
