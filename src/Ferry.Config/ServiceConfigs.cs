namespace Ferry.Config;

/// <summary>The <c>auth_service:</c> section.</summary>
public sealed record AuthServiceConfig
{
    public bool Enabled { get; init; }
    public HostPort ListenAddr { get; init; } = new("0.0.0.0", ConfigDefaults.AuthPort);
    public required string ClusterName { get; init; }
    public AuthenticationConfig Authentication { get; init; } = new();
    /// <summary>Teleport's proxy_listener_mode (separate|multiplex); kept, Ferry always serves one web port.</summary>
    public string? ProxyListenerMode { get; init; }
    /// <summary>Host patterns (globs) apps may use as public_addr besides &lt;name&gt;.&lt;proxy host&gt;.</summary>
    public IReadOnlyList<string> AppPublicAddrs { get; init; } = [];
    /// <summary>Addresses proxies reach this auth server at (a load balancer's name): put in its certificate.</summary>
    public IReadOnlyList<HostPort> PublicAddrs { get; init; } = [];
}

public sealed record AuthenticationConfig
{
    /// <summary>Only local users for now.</summary>
    public string Type { get; init; } = "local";
    /// <summary>off or otp.</summary>
    public string SecondFactor { get; init; } = ConfigDefaults.SecondFactor;
}

/// <summary>The <c>proxy_service:</c> section.</summary>
public sealed record ProxyServiceConfig
{
    public bool Enabled { get; init; }
    public HostPort WebListenAddr { get; init; } = new("0.0.0.0", ConfigDefaults.WebPort);
    /// <summary>Addresses clients use to reach the proxy; the first host names apps (&lt;app&gt;.&lt;host&gt;).</summary>
    public IReadOnlyList<HostPort> PublicAddrs { get; init; } = [];
    public IReadOnlyList<KeyPairConfig> HttpsKeyPairs { get; init; } = [];
    /// <summary>How often the daemon re-reads the key pair files; zero means never.</summary>
    public TimeSpan HttpsKeyPairsReloadInterval { get; init; }
}

public sealed record KeyPairConfig(string KeyFile, string CertFile);

/// <summary>The <c>app_service:</c> section.</summary>
public sealed record AppServiceConfig
{
    public bool Enabled { get; init; }
    public IReadOnlyList<AppConfig> Apps { get; init; } = [];
}
