using Ferry.Core.Resources;

namespace Ferry.AppService;

/// <summary>Runtime settings of an app agent, built once by the daemon from teleport.yaml.</summary>
public sealed record AppServiceOptions
{
    /// <summary>host:port of the proxy the agent dials (teleport.proxy_server, or the local proxy in an all-in-one process).</summary>
    public required string ProxyAddress { get; init; }
    public required string DataDir { get; init; }
    public required string NodeName { get; init; }
    public required IReadOnlyList<App> Apps { get; init; }

    /// <summary>The proxy's public address (host:port); browsers reach apps on its port, which console sign-ins name as Issuer.</summary>
    public string? ProxyPublicAddr { get; init; }

    /// <summary>The join token (already read from its file when join_params.token_name is a path); null once joined.</summary>
    public string? JoinToken { get; init; }

    /// <summary>Pins of the cluster's host CA ("sha256:..."); how a new agent knows it joins the right cluster.</summary>
    public IReadOnlyList<string> CaPins { get; init; } = [];

    /// <summary>Skip verifying the proxy when joining (test setups only).</summary>
    public bool Insecure { get; init; }

    /// <summary>How often heartbeats are renewed (they live three times as long).</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Environment the AWS pieces read (credential chain, AWS_ENDPOINT_URL*, AWS_CA_BUNDLE).</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
}
