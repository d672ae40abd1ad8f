using System.Globalization;
using System.Text;
using Ferry.Core.Errors;
using Npgsql;

namespace Ferry.Storage.Postgres;

/// <summary>
/// A libpq connection URI, the form teleport.yaml holds
/// (<c>postgresql://[user[:password]@][host][:port][,...][/database][?name=value&amp;...]</c>, every part
/// percent-encoded; https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING-URIS), turned into
/// Npgsql's settings. Npgsql reads only key=value strings, so the URI is taken apart here, and a password never
/// leaves this object except inside <see cref="Settings"/>: <see cref="Display"/> is the same target without it, for
/// messages and logs.
///
/// Query parameters that libpq defines and Npgsql has an equivalent for are accepted; any other name is an error
/// (a typo such as <c>ssl_mode</c> must not silently connect without TLS), except the names a caller declares as its
/// own (the audit store's <c>retention_period</c>), which come back in <see cref="Extra"/>.
/// </summary>
public sealed class PostgresConnectionString
{
    /// <summary>What the ferry processes call themselves in pg_stat_activity unless application_name says otherwise.</summary>
    public const string DefaultApplicationName = "ferry";

    private static readonly string[] Schemes = ["postgresql://", "postgres://"];

    private static readonly string[] SupportedParameters =
    [
        "user", "password", "host", "port", "dbname", "sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword",
        "connect_timeout", "application_name", "options", "target_session_attrs",
    ];

    private PostgresConnectionString(string setting, NpgsqlConnectionStringBuilder settings, string display, IReadOnlyDictionary<string, string> extra)
    {
        Setting = setting;
        Settings = settings;
        Display = display;
        Extra = extra;
    }

    /// <summary>The teleport.yaml key the URI came from, named in every error about it.</summary>
    public string Setting { get; }

    /// <summary>The URI without its password (and without sslpassword): safe to print.</summary>
    public string Display { get; }

    /// <summary>The login role, as the server will see it.</summary>
    public string User => Settings.Username ?? "";

    /// <summary>The database, as the server will see it (libpq's default: the user's name).</summary>
    public string Database => Settings.Database ?? User;

    /// <summary>host:port of every host named, for messages.</summary>
    public string Hosts => Settings.Host is { } host && !host.Contains(',', StringComparison.Ordinal) ? $"{host}:{Settings.Port}" : Settings.Host ?? "";

    /// <summary>The values of the parameters the caller declared as its own, by name.</summary>
    public IReadOnlyDictionary<string, string> Extra { get; }

    internal NpgsqlConnectionStringBuilder Settings { get; }

    /// <summary>Parses <paramref name="uri"/> from the teleport.yaml key <paramref name="setting"/>.</summary>
    /// <exception cref="FerryException">BadParameter naming the setting (never the password) when the URI is malformed.</exception>
    public static PostgresConnectionString Parse(string uri, string setting, IReadOnlyCollection<string>? ownParameters = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentException.ThrowIfNullOrEmpty(setting);
        ownParameters ??= [];

        var scheme = Schemes.FirstOrDefault(s => uri.StartsWith(s, StringComparison.OrdinalIgnoreCase))
            ?? throw Invalid(setting, "it is not a postgresql:// URI");
        var rest = uri[scheme.Length..];
        var query = "";
        var queryAt = rest.IndexOf('?', StringComparison.Ordinal);
        if (queryAt >= 0)
        {
            query = rest[(queryAt + 1)..];
            rest = rest[..queryAt];
        }

        var pathAt = rest.IndexOf('/', StringComparison.Ordinal);
        var authority = pathAt >= 0 ? rest[..pathAt] : rest;
        var database = pathAt >= 0 ? Decode(rest[(pathAt + 1)..], setting, "database name") : "";

        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var atAt = authority.LastIndexOf('@');
        if (atAt >= 0)
        {
            var userInfo = authority[..atAt];
            authority = authority[(atAt + 1)..];
            var colonAt = userInfo.IndexOf(':', StringComparison.Ordinal);
            values["user"] = Decode(colonAt >= 0 ? userInfo[..colonAt] : userInfo, setting, "user name");
            if (colonAt >= 0)
            {
                values["password"] = Decode(userInfo[(colonAt + 1)..], setting, "password");
            }
        }

        if (authority.Length > 0)
        {
            values["host"] = authority;
        }

        if (database.Length > 0)
        {
            values["dbname"] = database;
        }

        var extra = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in query.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var equalsAt = pair.IndexOf('=', StringComparison.Ordinal);
            var name = Decode(equalsAt >= 0 ? pair[..equalsAt] : pair, setting, "parameter name");
            var value = equalsAt >= 0 ? Decode(pair[(equalsAt + 1)..], setting, $"value of {name}") : "";
            if (ownParameters.Contains(name))
            {
                extra[name] = value;
            }
            else if (SupportedParameters.Contains(name))
            {
                values[name] = value;
            }
            else
            {
                throw Invalid(setting, $"it has the unknown parameter \"{name}\"; the supported ones are {string.Join(", ", SupportedParameters.Concat(ownParameters))}");
            }
        }

        var settings = Build(values, setting);
        return new PostgresConnectionString(setting, settings, DisplayOf(scheme, values), extra);
    }

    private static NpgsqlConnectionStringBuilder Build(Dictionary<string, string> values, string setting)
    {
        var settings = new NpgsqlConnectionStringBuilder { ApplicationName = DefaultApplicationName };
        foreach (var (name, value) in values)
        {
            switch (name)
            {
                case "user":
                    settings.Username = value;
                    break;
                case "password":
                    settings.Password = value;
                    break;
                case "dbname":
                    settings.Database = value;
                    break;
                case "host":
                    SetHosts(settings, value, values.GetValueOrDefault("port"), setting);
                    break;
                case "port":
                    if (!values.ContainsKey("host"))
                    {
                        settings.Port = Port(value, setting);
                    }

                    break;
                case "sslmode":
                    settings.SslMode = SslModeOf(value, setting);
                    break;
                case "sslrootcert":
                    settings.RootCertificate = value;
                    break;
                case "sslcert":
                    settings.SslCertificate = value;
                    break;
                case "sslkey":
                    settings.SslKey = value;
                    break;
                case "sslpassword":
                    settings.SslPassword = value;
                    break;
                case "connect_timeout":
                    settings.Timeout = Integer(value, "connect_timeout", 0, 1024, setting);
                    break;
                case "application_name":
                    settings.ApplicationName = value;
                    break;
                case "options":
                    settings.Options = value;
                    break;
                case "target_session_attrs":
                    settings.TargetSessionAttributes = value;
                    break;
                default:
                    throw new InvalidOperationException($"parameter {name} is listed as supported but not mapped");
            }
        }

        if (string.IsNullOrEmpty(settings.Username))
        {
            throw Invalid(setting, "it names no user; write it as postgresql://USER@host:5432/database");
        }

        if (string.IsNullOrEmpty(settings.Host))
        {
            throw Invalid(setting, "it names no host; write it as postgresql://user@HOST:5432/database");
        }

        return settings;
    }

    /// <summary>One host (Host and Port), or several for Npgsql's failover list (host:port,host:port).</summary>
    private static void SetHosts(NpgsqlConnectionStringBuilder settings, string authority, string? portParameter, string setting)
    {
        var defaultPort = portParameter is null ? 5432 : Port(portParameter, setting);
        var hosts = new List<(string Host, int Port)>();
        foreach (var entry in authority.Split(','))
        {
            string host;
            string? port = null;
            if (entry.StartsWith('['))
            {
                var close = entry.IndexOf(']', StringComparison.Ordinal);
                if (close < 0)
                {
                    throw Invalid(setting, $"the host \"{entry}\" opens an IPv6 bracket without closing it");
                }

                host = entry[1..close];
                if (close + 1 < entry.Length)
                {
                    port = entry[(close + 1)..].StartsWith(':') ? entry[(close + 2)..] : throw Invalid(setting, $"the host \"{entry}\" has text after its IPv6 address");
                }
            }
            else
            {
                var colonAt = entry.LastIndexOf(':');
                host = colonAt >= 0 ? entry[..colonAt] : entry;
                port = colonAt >= 0 ? entry[(colonAt + 1)..] : null;
            }

            host = Decode(host, setting, "host");
            if (host.Length == 0)
            {
                throw Invalid(setting, "it has an empty host; write it as postgresql://user@HOST:5432/database");
            }

            hosts.Add((host, port is null or "" ? defaultPort : Port(port, setting)));
        }

        if (hosts.Count == 1)
        {
            settings.Host = hosts[0].Host;
            settings.Port = hosts[0].Port;
            return;
        }

        settings.Host = string.Join(',', hosts.Select(h => h.Host.Contains(':', StringComparison.Ordinal) ? $"[{h.Host}]:{h.Port}" : $"{h.Host}:{h.Port}"));
    }

    private static SslMode SslModeOf(string value, string setting) => value switch
    {
        "disable" => SslMode.Disable,
        "allow" => SslMode.Allow,
        "prefer" => SslMode.Prefer,
        "require" => SslMode.Require,
        "verify-ca" => SslMode.VerifyCA,
        "verify-full" => SslMode.VerifyFull,
        _ => throw Invalid(setting, $"sslmode \"{value}\" is not one of disable, allow, prefer, require, verify-ca, verify-full"),
    };

    private static int Port(string value, string setting) => Integer(value, "port", 1, 65535, setting);

    private static int Integer(string value, string name, int min, int max, string setting) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw Invalid(setting, $"its {name} \"{value}\" is not a whole number from {min} to {max}");

    private static string Decode(string text, string setting, string what)
    {
        // Uri.UnescapeDataString keeps a malformed escape as it is; a password must not change meaning that way.
        for (var i = text.IndexOf('%', StringComparison.Ordinal); i >= 0; i = text.IndexOf('%', i + 1))
        {
            if (i + 2 >= text.Length || !char.IsAsciiHexDigit(text[i + 1]) || !char.IsAsciiHexDigit(text[i + 2]))
            {
                // Never echo the text: it may be the password.
                throw Invalid(setting, $"its {what} is not valid percent-encoding (write % as %25)");
            }
        }

        return Uri.UnescapeDataString(text);
    }

    /// <summary>The URI written back from its parts, leaving out the secrets.</summary>
    private static string DisplayOf(string scheme, Dictionary<string, string> values)
    {
        var display = new StringBuilder(scheme);
        if (values.TryGetValue("user", out var user))
        {
            display.Append(Uri.EscapeDataString(user)).Append('@');
        }

        display.Append(values.GetValueOrDefault("host", ""));
        if (values.TryGetValue("dbname", out var database))
        {
            display.Append('/').Append(Uri.EscapeDataString(database));
        }

        var shown = values.Where(p => p.Key is not ("user" or "password" or "host" or "dbname" or "sslpassword")).ToList();
        for (var i = 0; i < shown.Count; i++)
        {
            display.Append(i == 0 ? '?' : '&').Append(shown[i].Key).Append('=').Append(Uri.EscapeDataString(shown[i].Value));
        }

        return display.ToString();
    }

    private static FerryException Invalid(string setting, string problem) => FerryException.BadParameter(
        $"{setting} is not a usable PostgreSQL connection URI: {problem} (expected postgresql://user@host:5432/database?sslmode=verify-full)");
}
