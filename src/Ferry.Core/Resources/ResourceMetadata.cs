namespace Ferry.Core.Resources;

/// <summary>The <c>metadata</c> block every resource carries.</summary>
public sealed record ResourceMetadata
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    /// <summary>When set, the resource disappears at this time (tokens, app servers, sessions).</summary>
    public DateTimeOffset? Expires { get; init; }
    /// <summary>Storage revision; informational on output, ignored on input.</summary>
    public string? Revision { get; init; }
}
