namespace Ferry.Proxy;

/// <summary>Runtime settings of the proxy service, built once by the daemon from teleport.yaml.</summary>
public sealed record ProxyServerOptions
{
    /// <summary>host:port users reach the proxy at; the first is used in links and app addresses.</summary>
    public required IReadOnlyList<string> PublicAddrs { get; init; }

    /// <summary>Where the auth API listens (https://host:port/v1/).</summary>
    public required Uri AuthApiBase { get; init; }

    public string PrimaryPublicAddr => PublicAddrs[0];

    public string PrimaryPublicHost => PublicAddrs[0].Split(':')[0];
}
