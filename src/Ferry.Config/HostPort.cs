using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Ferry.Config;

/// <summary>A <c>host:port</c> address from the config; the host may be empty for listen addresses (all interfaces).</summary>
public sealed record HostPort(string Host, int Port)
{
    public override string ToString() => Host.Contains(':') ? $"[{Host}]:{Port}" : $"{Host}:{Port}";

    /// <summary>
    /// Parses host, host:port, [v6]:port or :port; a missing port becomes <paramref name="defaultPort"/>.
    /// On failure <paramref name="error"/> says what is wrong.
    /// </summary>
    public static bool TryParse(string text, int defaultPort, [NotNullWhen(true)] out HostPort? value, out string error)
    {
        value = null;
        error = "";
        var s = text.Trim();
        if (s.Contains("://", StringComparison.Ordinal))
        {
            error = $"\"{text}\" is a URL, not an address";
            return false;
        }
        string host;
        string? port = null;
        if (s.StartsWith('['))
        {
            var end = s.IndexOf(']');
            if (end < 0)
            {
                error = $"\"{text}\" has an unclosed [";
                return false;
            }
            host = s[1..end];
            var rest = s[(end + 1)..];
            if (rest.Length > 0)
            {
                if (rest[0] != ':')
                {
                    error = $"\"{text}\" has unexpected text after ]";
                    return false;
                }
                port = rest[1..];
            }
        }
        else
        {
            var colon = s.LastIndexOf(':');
            if (colon >= 0 && s.IndexOf(':') != colon)
            {
                error = $"\"{text}\" looks like an IPv6 address; write it in brackets, e.g. [::1]:3025";
                return false;
            }
            host = colon >= 0 ? s[..colon] : s;
            port = colon >= 0 ? s[(colon + 1)..] : null;
        }
        if (host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
        {
            error = $"\"{text}\" has an invalid host \"{host}\"";
            return false;
        }
        var portNumber = defaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out portNumber) || portNumber is < 1 or > 65535))
        {
            error = $"\"{text}\" has an invalid port \"{port}\" (use 1-65535)";
            return false;
        }
        value = new HostPort(host, portNumber);
        return true;
    }
}
