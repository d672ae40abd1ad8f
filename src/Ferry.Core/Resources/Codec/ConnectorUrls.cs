using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// URL rules shared by the connector readers. Secrets and codes travel over these addresses, so they must be https;
/// plain http is allowed only for loopback hosts, where test identity providers run.
/// </summary>
internal static class ConnectorUrls
{
    /// <summary>
    /// Checks a URL already read from <paramref name="key"/>: absolute https (or http on loopback), else reported and null.
    /// Null or empty text is "not set" (an empty required one is reported); <paramref name="path"/> names an item of a list.
    /// </summary>
    public static Uri? Check(YamlMap map, string key, string? text, bool required, string example, string? path = null)
    {
        if (string.IsNullOrEmpty(text))
        {
            if (text is not null && required)
            {
                map.Diagnostics.Report(map.MarkOf(key), path ?? map.PathOf(key), "must not be empty", $"e.g. {example}");
            }
            return null;
        }

        void Report(string message, string hint) => map.Diagnostics.Report(map.MarkOf(key), path ?? map.PathOf(key), message, hint);

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Host.Length == 0 || uri.Scheme is not ("https" or "http"))
        {
            Report($"\"{YamlScalars.Truncate(text)}\" is not an absolute https URL", $"e.g. {example}");
            return null;
        }
        if (uri.Scheme == "http" && !uri.IsLoopback)
        {
            Report($"\"{YamlScalars.Truncate(text)}\" must use https", "only loopback hosts (127.0.0.1, localhost) may use http, for test identity providers");
            return null;
        }
        if (uri.UserInfo.Length > 0)
        {
            Report($"\"{YamlScalars.Truncate(text)}\" must not carry a user name or password", $"e.g. {example}");
            return null;
        }
        return uri;
    }

    /// <summary>
    /// A URL Ferry's proxy answers (an OAuth callback, the SAML ACS): the proxy's public address with exactly
    /// <paramref name="expectedPath"/>, so an identity provider can only send users back to the place that handles them.
    /// </summary>
    public static void CheckProxyPath(YamlMap map, string key, Uri uri, string expectedPath, string? path = null)
    {
        if (uri.AbsolutePath == expectedPath && uri.Query.Length == 0 && uri.Fragment.Length == 0)
        {
            return;
        }
        var example = $"{uri.Scheme}://{uri.Authority}{expectedPath}";
        map.Diagnostics.Report(map.MarkOf(key), path ?? map.PathOf(key),
            $"\"{YamlScalars.Truncate(uri.OriginalString)}\" does not end in {expectedPath}",
            $"use your proxy's public address with that path, e.g. {example}");
    }
}
