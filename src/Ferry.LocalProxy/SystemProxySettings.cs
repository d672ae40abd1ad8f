using System.Net;

namespace Ferry.LocalProxy;

/// <summary>
/// tsh's own HTTPS proxy, through which the forward proxy tunnels CONNECTs to non-AWS hosts
/// (docs/aws-access.md §1.3a, handler 2). Read from <c>HTTPS_PROXY</c>/<c>https_proxy</c> and
/// <c>NO_PROXY</c>/<c>no_proxy</c> with the rules of Go's <c>httpproxy.FromEnvironment</c>, which the
/// reference uses: loopback hosts are never proxied; a NO_PROXY entry is <c>*</c>, an IP, a CIDR, a domain
/// (matching itself and its subdomains) or <c>.domain</c> (subdomains only), each with an optional port.
/// </summary>
public sealed class SystemProxySettings
{
    private readonly string[] _bypass;

    public SystemProxySettings(Uri proxy, IEnumerable<string>? bypass = null)
    {
        ArgumentNullException.ThrowIfNull(proxy);
        if (proxy.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"Only http:// system proxies are supported, not '{proxy.Scheme}'.", nameof(proxy));
        }

        Proxy = proxy;
        _bypass = bypass?.Select(b => b.Trim().ToLowerInvariant()).Where(b => b.Length > 0).ToArray() ?? [];
    }

    public Uri Proxy { get; }

    /// <summary>The settings from an environment, or null when it names no HTTPS proxy (or one this proxy cannot use).</summary>
    public static SystemProxySettings? FromEnvironment(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var value = First(getEnvironmentVariable, "HTTPS_PROXY", "https_proxy");
        if (value is null)
        {
            return null;
        }

        if (!value.Contains("://", StringComparison.Ordinal))
        {
            value = "http://" + value;
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var proxy) || proxy.Scheme != Uri.UriSchemeHttp)
        {
            return null;
        }

        var noProxy = First(getEnvironmentVariable, "NO_PROXY", "no_proxy");
        return new SystemProxySettings(proxy, noProxy?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    /// <summary>True when <paramref name="host"/>:<paramref name="port"/> must be dialled directly.</summary>
    public bool Bypasses(string host, int port)
    {
        host = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        var ip = IPAddress.TryParse(host, out var parsed) ? parsed : null;
        if (host == "localhost" || (ip is not null && IPAddress.IsLoopback(ip)))
        {
            return true;
        }

        foreach (var entry in _bypass)
        {
            if (entry == "*")
            {
                return true;
            }

            var (name, entryPort) = SplitPort(entry);
            if (entryPort is not null && entryPort != port)
            {
                continue;
            }

            if (ip is not null)
            {
                if ((IPAddress.TryParse(name, out var entryIp) && entryIp.Equals(ip))
                    || (name.Contains('/') && IPNetwork.TryParse(name, out var network) && network.Contains(ip)))
                {
                    return true;
                }

                continue;
            }

            if (name.StartsWith('.'))
            {
                if (host.EndsWith(name, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            else if (host == name || host.EndsWith("." + name, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static (string Name, int? Port) SplitPort(string entry)
    {
        // "[::1]:8080", "host:443", "10.0.0.0/8", "::1"
        if (entry.StartsWith('['))
        {
            var close = entry.IndexOf(']');
            var rest = close < 0 ? string.Empty : entry[(close + 1)..];
            return (entry[1..Math.Max(1, close)], rest.StartsWith(':') && int.TryParse(rest[1..], out var p6) ? p6 : null);
        }

        var colon = entry.LastIndexOf(':');
        if (colon > 0 && entry.IndexOf(':') == colon && int.TryParse(entry[(colon + 1)..], out var port))
        {
            return (entry[..colon], port);
        }

        return (entry, null);
    }

    private static string? First(Func<string, string?> get, string upper, string lower)
    {
        var value = get(upper);
        if (string.IsNullOrWhiteSpace(value))
        {
            value = get(lower);
        }

        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
