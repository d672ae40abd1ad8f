namespace Ferry.Config;

/// <summary>The <c>teleport:</c> section: settings shared by every service in the process.</summary>
public sealed record TeleportConfig
{
    public required string NodeName { get; init; }
    public string DataDir { get; init; } = ConfigDefaults.DataDir;
    public LogConfig Log { get; init; } = new();
    /// <summary>How an agent joins the cluster; null when not configured.</summary>
    public JoinParams? JoinParams { get; init; }
    /// <summary>The proxy an agent joins through (default port 3080).</summary>
    public HostPort? ProxyServer { get; init; }
    /// <summary>The auth server an agent or separate proxy connects to (default port 3025).</summary>
    public HostPort? AuthServer { get; init; }
    /// <summary>Expected SHA-256 pins of the cluster CA ("sha256:&lt;hex&gt;"); empty means trust on first use is refused by the daemon.</summary>
    public IReadOnlyList<string> CaPins { get; init; } = [];
    public required StorageConfig Storage { get; init; }
    /// <summary>Diagnostics (metrics/health) listen address, kept for the daemon; null when not set.</summary>
    public HostPort? DiagAddr { get; init; }
}

public sealed record LogConfig
{
    /// <summary>stderr, stdout, or a file path.</summary>
    public string Output { get; init; } = ConfigDefaults.LogOutput;
    /// <summary>DEBUG, INFO, WARN or ERROR (WARNING is read as WARN).</summary>
    public string Severity { get; init; } = ConfigDefaults.LogSeverity;
    /// <summary>text or json.</summary>
    public string Format { get; init; } = ConfigDefaults.LogFormat;
    public IReadOnlyList<string> ExtraFields { get; init; } = [];
}

public sealed record JoinParams
{
    /// <summary>The join token, or an absolute path to a file holding it (Teleport reads values starting with / as files).</summary>
    public required string TokenName { get; init; }
    public string Method { get; init; } = ConfigDefaults.JoinMethod;

    /// <summary>True when <see cref="TokenName"/> is a path the daemon must read the token from.</summary>
    public bool TokenIsFilePath => TokenName.StartsWith('/');
}

public sealed record StorageConfig
{
    /// <summary>sqlite or postgresql.</summary>
    public string Type { get; init; } = ConfigDefaults.StorageType;
    /// <summary>SQLite database file (absolute; relative paths in the file are resolved against data_dir).</summary>
    public required string Path { get; init; }
    /// <summary>PostgreSQL connection URI, postgresql://... (required for postgresql; docs/storage-postgres.md).</summary>
    public string? ConnString { get; init; }
    /// <summary>Empty: audit events go to &lt;data_dir&gt;/log/audit.db; else one postgresql:// URI of the audit database.</summary>
    public IReadOnlyList<string> AuditEventsUri { get; init; } = [];
}
