using System.Net;

namespace Ferry.Aws.Http;

/// <summary>
/// A proxy configured like curl, botocore and .NET's default proxy: HTTPS_PROXY (or https_proxy) for https
/// targets, HTTP_PROXY (or http_proxy) for http targets, NO_PROXY (or no_proxy) as a comma-separated list of
/// host names, domain suffixes (".example.com" or "example.com") and "*". Built from an injected environment.
/// </summary>
internal sealed class EnvironmentWebProxy : IWebProxy
{
    private readonly Uri? _https;
    private readonly Uri? _http;
    private readonly string[] _noProxy;

    private EnvironmentWebProxy(Uri? https, Uri? http, string[] noProxy)
    {
        _https = https;
        _http = http;
        _noProxy = noProxy;
    }

    public ICredentials? Credentials { get; set; }

    public static EnvironmentWebProxy? TryCreate(Func<string, string?> environment)
    {
        var https = ParseProxy(environment("HTTPS_PROXY") ?? environment("https_proxy"));
        var http = ParseProxy(environment("HTTP_PROXY") ?? environment("http_proxy"));
        if (https is null && http is null)
        {
            return null;
        }

        var noProxy = (environment("NO_PROXY") ?? environment("no_proxy") ?? string.Empty)
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(e => e.TrimStart('.').ToLowerInvariant())
            .Select(e => e.Contains(':', StringComparison.Ordinal) && !e.StartsWith('[') ? e[..e.LastIndexOf(':')] : e)
            .ToArray();
        return new EnvironmentWebProxy(https, http, noProxy);
    }

    public Uri? GetProxy(Uri destination) =>
        IsBypassed(destination) ? null : destination.Scheme == Uri.UriSchemeHttps ? _https : _http;

    public bool IsBypassed(Uri host)
    {
        if ((host.Scheme == Uri.UriSchemeHttps ? _https : _http) is null)
        {
            return true;
        }

        var name = host.IdnHost.ToLowerInvariant();
        foreach (var entry in _noProxy)
        {
            if (entry == "*" || name == entry || name.EndsWith("." + entry, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static Uri? ParseProxy(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        // "host:port" without a scheme means http://host:port, as in curl.
        return Uri.TryCreate(value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value, UriKind.Absolute, out var uri) ? uri : null;
    }
}
