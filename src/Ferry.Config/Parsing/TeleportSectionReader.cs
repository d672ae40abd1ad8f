using System.Text.RegularExpressions;
using Ferry.Core.Yaml;

namespace Ferry.Config.Parsing;

/// <summary>Reads the <c>teleport:</c> section.</summary>
internal static partial class TeleportSectionReader
{
    public static TeleportConfig Read(YamlMap? map, ConfigParseOptions options)
    {
        var hostName = options.HostName ?? System.Net.Dns.GetHostName();
        if (map is null)
        {
            return new TeleportConfig { NodeName = hostName, Storage = new StorageConfig { Path = ConfigDefaults.SqlitePath(ConfigDefaults.DataDir) } };
        }
        var dataDir = map.String("data_dir") ?? ConfigDefaults.DataDir;
        if (dataDir.Length == 0)
        {
            map.Report("data_dir", "data_dir must not be empty", $"remove it to use {ConfigDefaults.DataDir}");
        }
        var config = new TeleportConfig
        {
            NodeName = map.String("nodename") is { Length: > 0 } n ? n : hostName,
            DataDir = dataDir,
            Log = ReadLog(map.Map("log")),
            JoinParams = ReadJoinParams(map),
            ProxyServer = ConfigValues.Address(map, "proxy_server", ConfigDefaults.WebPort, listen: false),
            AuthServer = ReadAuthServer(map),
            CaPins = ReadCaPins(map),
            Storage = ReadStorage(map.Map("storage"), dataDir),
            DiagAddr = map.String("diag_addr") is { Length: > 0 } ? ConfigValues.Address(map, "diag_addr", 3000, listen: true) : null,
        };
        map.Finish();
        return config;
    }

    private static LogConfig ReadLog(YamlMap? map)
    {
        if (map is null)
        {
            return new LogConfig();
        }
        var output = map.String("output") ?? ConfigDefaults.LogOutput;
        if (string.Equals(output, "syslog", StringComparison.OrdinalIgnoreCase))
        {
            ConfigValues.NotSupported(map, "output", "logging to syslog", "use stderr, stdout or a file path");
        }
        else if (!output.Equals("stderr", StringComparison.OrdinalIgnoreCase) && !output.Equals("stdout", StringComparison.OrdinalIgnoreCase) && !Path.IsPathRooted(output))
        {
            map.Report("output", $"log output \"{output}\" is neither stderr, stdout nor an absolute file path", "use stderr, stdout or e.g. /var/log/teleport.log");
        }
        var severity = ConfigValues.OneOf(map, "severity", ConfigDefaults.LogSeverity, "DEBUG", "INFO", "WARN", "WARNING", "ERROR");
        var format = map.Map("format");
        var log = new LogConfig
        {
            Output = output.ToLowerInvariant() is "stderr" or "stdout" ? output.ToLowerInvariant() : output,
            Severity = severity == "WARNING" ? "WARN" : severity!,
            Format = format is null ? ConfigDefaults.LogFormat : ConfigValues.OneOf(format, "output", ConfigDefaults.LogFormat, "text", "json")!,
            ExtraFields = format?.StringList("extra_fields") ?? [],
        };
        foreach (var field in log.ExtraFields.Where(f => f is not ("timestamp" or "level" or "component" or "caller")))
        {
            format!.Report("extra_fields", $"unknown log field \"{field}\"", Suggestions.Hint(field, ["timestamp", "level", "component", "caller"], "use"));
        }
        format?.Finish();
        map.Finish();
        return log;
    }

    private static JoinParams? ReadJoinParams(YamlMap parent)
    {
        if (!parent.Has("join_params"))
        {
            parent.Ignore("join_params");
            return null;
        }
        var map = parent.Map("join_params");
        if (map is null)
        {
            return null;
        }
        var token = map.String("token_name", required: true) ?? "";
        var method = map.String("method") ?? ConfigDefaults.JoinMethod;
        if (method != ConfigDefaults.JoinMethod)
        {
            ConfigValues.NotSupported(map, "method", $"join method \"{method}\"", "use method: token with a token from `tctl tokens add --type=app`");
        }
        map.Finish();
        return new JoinParams { TokenName = token, Method = method };
    }

    private static HostPort? ReadAuthServer(YamlMap map)
    {
        // Teleport v1/v2 had auth_servers (a list); v3 has one auth_server. Point at the rename.
        if (map.Has("auth_servers"))
        {
            map.Report("auth_servers", "auth_servers is a v1/v2 key", "in v3 write auth_server: host:port (one address), or proxy_server for agents");
        }
        return ConfigValues.Address(map, "auth_server", ConfigDefaults.AuthPort, listen: false);
    }

    private static IReadOnlyList<string> ReadCaPins(YamlMap map)
    {
        var pins = (map.StringList("ca_pin", allowSingle: true) ?? []).Where(p => p.Length > 0).ToList();
        foreach (var pin in pins.Where(p => !CaPin().IsMatch(p)))
        {
            map.Report("ca_pin", $"invalid CA pin \"{pin}\"", "use the value `tctl status` prints: sha256: followed by 64 hex digits");
        }
        return pins;
    }

    private static StorageConfig ReadStorage(YamlMap? map, string dataDir)
    {
        var defaultPath = ConfigDefaults.SqlitePath(dataDir);
        if (map is null)
        {
            return new StorageConfig { Path = defaultPath };
        }
        var type = map.String("type") ?? ConfigDefaults.StorageType;
        if (type is not ("sqlite" or "postgresql"))
        {
            var hint = type is "dir" or "etcd" or "dynamodb" or "firestore"
                ? "Ferry stores state in sqlite (one machine) or postgresql; use type: sqlite or type: postgresql"
                : Suggestions.Hint(type, ["sqlite", "postgresql"], "use");
            map.Report("type", $"storage type \"{type}\" is not supported", hint);
        }
        var path = map.String("path");
        var connString = map.String("conn_string");
        if (type == "postgresql" && string.IsNullOrEmpty(connString))
        {
            map.Report("conn_string", "postgresql storage needs a connection string",
                "add conn_string: postgresql://user@host:5432/teleport_backend?sslmode=verify-full");
        }
        if (type == "sqlite" && connString is not null)
        {
            map.Report("conn_string", "conn_string applies only to postgresql", "remove it, or set type: postgresql");
        }
        if (type == "postgresql" && !string.IsNullOrEmpty(connString) && !IsPostgresUri(connString))
        {
            map.Report("conn_string", "conn_string must be a postgresql:// URI",
                "write it as postgresql://user@host:5432/teleport_backend?sslmode=verify-full");
        }
        var auditEventsUri = map.StringList("audit_events_uri", allowSingle: true) ?? [];
        if (auditEventsUri.Count > 1 || auditEventsUri.Any(uri => !IsPostgresUri(uri)))
        {
            map.Report("audit_events_uri", "Ferry keeps audit events in one PostgreSQL database, or (without audit_events_uri) in <data_dir>/log/audit.db",
                "give one URI, postgresql://user@host:5432/teleport_audit?sslmode=verify-full, or remove the key");
        }
        var storage = new StorageConfig
        {
            Type = type,
            Path = path is null ? defaultPath : Path.IsPathRooted(path) ? path : Path.Combine(dataDir, path),
            ConnString = connString,
            AuditEventsUri = auditEventsUri,
        };
        map.Finish();
        return storage;
    }

    private static bool IsPostgresUri(string uri) =>
        uri.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) || uri.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^sha256:[0-9a-fA-F]{64}$")]
    private static partial Regex CaPin();
}
