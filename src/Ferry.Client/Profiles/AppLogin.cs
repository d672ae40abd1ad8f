namespace Ferry.Client.Profiles;

/// <summary>What tsh remembers of one app login, next to its certificate (&lt;app&gt;.json).</summary>
public sealed record AppLogin
{
    public required string AppName { get; init; }
    public required string SessionId { get; init; }
    public required string PublicAddr { get; init; }
    public required string Uri { get; init; }
    public string? AwsRoleArn { get; init; }
    public required DateTimeOffset Expires { get; init; }
}
