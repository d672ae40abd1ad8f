using System.Collections;

namespace Ferry.Bench.Infrastructure;

/// <summary>
/// The environment of every child the bench starts. The machine presets CA bundles and may preset proxies;
/// any of them would change what a child trusts or where its HTTP goes, so all are removed and each child gets
/// back only what its set-up names (null = remove the variable).
/// </summary>
internal static class ChildEnvironment
{
    private static readonly string[] Cleared =
    [
        "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "http_proxy", "https_proxy", "all_proxy", "no_proxy",
        "SSL_CERT_FILE", "SSL_CERT_DIR", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "NODE_EXTRA_CA_CERTS", "HTTPLIB2_CA_CERTS",
    ];

    /// <summary>No proxies, no CA bundles, no AWS_* and no TELEPORT_* variables.</summary>
    public static Dictionary<string, string?> Clean()
    {
        var environment = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var name in Cleared)
        {
            environment[name] = null;
        }

        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (name.StartsWith("AWS_", StringComparison.Ordinal) || name.StartsWith("TELEPORT_", StringComparison.Ordinal))
            {
                environment[name] = null;
            }
        }

        // The aws CLI v2 pipes output through a pager when it thinks it may.
        environment["AWS_PAGER"] = "";
        return environment;
    }

    public static Dictionary<string, string?> With(this Dictionary<string, string?> environment, IEnumerable<KeyValuePair<string, string>> values)
    {
        foreach (var (name, value) in values)
        {
            environment[name] = value;
        }

        return environment;
    }

    public static void ApplyTo(IReadOnlyDictionary<string, string?> environment, System.Diagnostics.ProcessStartInfo info)
    {
        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                info.Environment.Remove(name);
            }
            else
            {
                info.Environment[name] = value;
            }
        }
    }
}
