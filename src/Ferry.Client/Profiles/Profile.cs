namespace Ferry.Client.Profiles;

/// <summary>One logged-in cluster as remembered by tsh (~/.tsh/&lt;proxy host&gt;.yaml).</summary>
public sealed record Profile
{
    /// <summary>host:port of the proxy's web listener.</summary>
    public required string ProxyAddress { get; init; }
    public required string Username { get; init; }
    public required string ClusterName { get; init; }

    public string ProxyHost => ProxyAddress.Split(':')[0];
    public string ProfileUrl => $"https://{ProxyAddress}";
}
