namespace Ferry.Proxy.WebSessions;

/// <summary>Names shared by the launch (proxy host) and the app host's cookie exchange.</summary>
internal static class AppCookies
{
    /// <summary>__Host- cookies are Secure, Path=/ and bound to the exact host that set them (no Domain).</summary>
    public const string AppSession = "__Host-ferry_app";

    public const string ExchangePath = "/x-ferry-auth";
}
