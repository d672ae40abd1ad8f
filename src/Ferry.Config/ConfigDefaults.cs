namespace Ferry.Config;

/// <summary>Every default of teleport.yaml in one place; docs/config-reference.md lists the same values.</summary>
public static class ConfigDefaults
{
    public const string Version = "v3";
    public const string DataDir = "/var/lib/teleport";
    public const int AuthPort = 3025;
    public const int WebPort = 3080;
    public const string AuthListenAddr = "0.0.0.0:3025";
    public const string WebListenAddr = "0.0.0.0:3080";
    public const string StorageType = "sqlite";
    public const string LogOutput = "stderr";
    public const string LogSeverity = "INFO";
    public const string LogFormat = "text";
    public const string SecondFactor = "otp";
    public const string JoinMethod = "token";

    /// <summary>The SQLite file when storage.path is not set: &lt;data_dir&gt;/backend/sqlite.db.</summary>
    public static string SqlitePath(string dataDir) => Path.Combine(dataDir, "backend", "sqlite.db");

    /// <summary>
    /// The audit log's own SQLite file when storage.audit_events_uri is empty: &lt;data_dir&gt;/log/audit.db
    /// (docs/architecture.md, Audit).
    /// </summary>
    public static string AuditSqlitePath(string dataDir) => Path.Combine(dataDir, "log", "audit.db");
}
