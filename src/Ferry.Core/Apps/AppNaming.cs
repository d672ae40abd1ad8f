using Ferry.Core.Resources.Codec;

namespace Ferry.Core.Apps;

/// <summary>App name and public address rules (docs/aws-access.md §5 "Public address and name rules").</summary>
public static class AppNaming
{
    /// <summary>Null when <paramref name="name"/> is a valid DNS-1035 label, else the message with the fix.</summary>
    public static string? ValidateName(string name) => ResourceNames.ValidateAppName(name);

    public static bool IsValidName(string name) => ValidateName(name) is null;

    /// <summary>
    /// The address an app is served at when it names none: <c>&lt;app name&gt;.&lt;proxy public host&gt;</c>, e.g.
    /// aws-dynamodb.teleport.example.com. <paramref name="proxyPublicAddr"/> may carry a port, which is dropped.
    /// </summary>
    public static string DefaultPublicAddr(string appName, string proxyPublicAddr) => $"{appName}.{HostOf(proxyPublicAddr)}";

    /// <summary>The host part of host[:port] (IPv6 in brackets kept without them).</summary>
    public static string HostOf(string address)
    {
        if (address.StartsWith('['))
        {
            var end = address.IndexOf(']');
            return end > 0 ? address[1..end] : address;
        }
        var colon = address.LastIndexOf(':');
        return colon >= 0 && address.IndexOf(':') == colon ? address[..colon] : address;
    }
}
