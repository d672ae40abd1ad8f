namespace Ferry.Auth;

/// <summary>Runtime settings of the auth service, built once by the daemon from teleport.yaml.</summary>
public sealed record AuthServerOptions
{
    public required string ClusterName { get; init; }

    public SecondFactorMode SecondFactor { get; init; } = SecondFactorMode.Off;

    /// <summary>auth_service.authentication.type: local, github, oidc or saml; tsh login without --auth uses it.</summary>
    public string AuthenticationType { get; init; } = "local";

    /// <summary>auth_service.authentication.connector_name: the connector of a connector type.</summary>
    public string? DefaultConnector { get; init; }

    /// <summary>
    /// Whether storing a connector reads its provider's published documents (OIDC discovery, SAML metadata by URL) and
    /// refuses one that cannot be read. Always on in the daemon; unit tests that store connectors at made-up providers
    /// turn it off.
    /// </summary>
    public bool CheckConnectorEndpoints { get; init; } = true;

    /// <summary>The proxy's public address (host:port) used in signup links; the first one wins.</summary>
    public IReadOnlyList<string> ProxyPublicAddrs { get; init; } = [];

    /// <summary>TTL of a user certificate when tsh asks for none (Teleport's default is 12h).</summary>
    public TimeSpan DefaultUserCertTtl { get; init; } = TimeSpan.FromHours(12);

    /// <summary>
    /// Host certificates (agents, proxies, auth's own) live this long and are renewed at half-life by their holders, so
    /// a host whose registration is removed loses access within days at most (docs/security.md).
    /// </summary>
    public TimeSpan HostCertTtl { get; init; } = TimeSpan.FromDays(3);

    /// <summary>auth_service.app_public_addrs: host patterns apps may use as public_addr besides &lt;name&gt;.&lt;proxy host&gt;.</summary>
    public IReadOnlyList<string> AppPublicAddrs { get; init; } = [];

    public TimeSpan SignupTokenTtl { get; init; } = TimeSpan.FromHours(1);

    /// <summary>After this many failed logins within <see cref="LoginAttemptWindow"/> the user is locked.</summary>
    public int MaxLoginAttempts { get; init; } = 5;

    public TimeSpan LoginAttemptWindow { get; init; } = TimeSpan.FromMinutes(30);

    public TimeSpan LockDuration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// After this many failed logins within <see cref="LoginThrottleWindow"/> from one client address (IPv6: one /64),
    /// further logins from it are refused without checking a password until the oldest failure leaves the window.
    /// Successful logins do not count, so many users behind one NAT are not held up by each other's successes.
    /// </summary>
    public int LoginThrottleMaxFailures { get; init; } = 20;

    public TimeSpan LoginThrottleWindow { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Single sign-on starts allowed from one client address within <see cref="LoginThrottleWindow"/>. Every start counts
    /// (it stores a login request for 10 minutes); a person needs one or two.
    /// </summary>
    public int SsoStartThrottleMaxStarts { get; init; } = 60;

    /// <summary>How many client addresses the throttle remembers at once (its memory bound; the stalest is forgotten first).</summary>
    public int LoginThrottleMaxAddresses { get; init; } = 10_000;

    /// <summary>bcrypt cost; 12 takes ~0.25 s per hash, which is the point.</summary>
    public int BcryptWorkFactor { get; init; } = 12;

    public int MinPasswordLength { get; init; } = 12;
}

public enum SecondFactorMode
{
    Off,
    Otp,
}
