using System.Diagnostics.CodeAnalysis;
using Ferry.Core.Errors;

namespace Ferry.Core.Sso;

/// <summary>
/// The only place a browser login may hand its result to a client: tsh's listener on this machine's loopback,
/// <c>http://127.0.0.1:PORT/callback</c> or <c>http://localhost:PORT/callback</c>. Anything else (another host, https to
/// somewhere, a user-info trick like <c>http://127.0.0.1@evil/</c>, a query that could smuggle a second URL) is refused,
/// so a login link someone else made cannot deliver your certificate to them.
/// </summary>
public static class SsoClientRedirect
{
    public const string CallbackPath = "/callback";

    public static string For(int port) => $"http://127.0.0.1:{port}{CallbackPath}";

    public static Uri Parse(string? value)
    {
        if (TryParse(value, out var uri, out var reason))
        {
            return uri;
        }

        throw FerryException.BadParameter(
            $"client redirect URL refused: {reason}; it must be http://127.0.0.1:PORT{CallbackPath} or http://localhost:PORT{CallbackPath} (tsh makes it)");
    }

    public static bool TryParse(string? value, [NotNullWhen(true)] out Uri? uri, out string reason)
    {
        uri = null;
        reason = "";
        if (string.IsNullOrEmpty(value) || value.Length > 200 || !Uri.TryCreate(value, UriKind.Absolute, out var parsed))
        {
            reason = "it is not an absolute URL";
            return false;
        }

        if (parsed.Scheme != Uri.UriSchemeHttp)
        {
            reason = $"scheme \"{parsed.Scheme}\" is not http";
        }
        else if (parsed.UserInfo.Length > 0 || value.Contains('@', StringComparison.Ordinal))
        {
            reason = "it has user information";
        }
        else if (parsed.Host is not ("127.0.0.1" or "localhost"))
        {
            reason = $"host \"{parsed.Host}\" is not loopback";
        }
        else if (parsed.IsDefaultPort || !value.Contains($":{parsed.Port}/", StringComparison.Ordinal))
        {
            reason = "it names no port";
        }
        else if (parsed.AbsolutePath != CallbackPath || parsed.Query.Length > 0 || parsed.Fragment.Length > 0)
        {
            reason = $"its path is not {CallbackPath} (or it has a query or fragment)";
        }
        else
        {
            uri = parsed;
            return true;
        }

        return false;
    }
}
