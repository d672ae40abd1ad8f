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
    public const string Local = "local";

    /// <summary>The login types Teleport names: local users, or a github, oidc or saml connector.</summary>
    public static readonly IReadOnlyList<string> Types = [Local, "github", "oidc", "saml"];

    /// <summary>
    /// How users log in by default. Anything but local is read (and its connector named) but the daemon refuses to
    /// start with it, since logins through connectors are not in this build yet (docs/config-reference.md).
    /// </summary>
    public string Type { get; init; } = Local;

    /// <summary>The connector (metadata.name of a github, oidc or saml resource) a non-local type logs in through.</summary>
    public string? ConnectorName { get; init; }

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
