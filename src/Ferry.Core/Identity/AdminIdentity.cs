namespace Ferry.Core.Identity;

/// <summary>
/// Where host identities live in data_dir. The auth server rewrites the admin identity at every start, so
/// `tctl` on the auth host (run by the same Unix user, since the file is 0600) has full privileges without a login.
/// </summary>
public static class AdminIdentity
{
    public static string PathIn(string dataDir) => Path.Combine(dataDir, "identities", "admin.pem");

    public static string HostIdentityPath(string dataDir, string systemRole) => Path.Combine(dataDir, "identities", systemRole.ToLowerInvariant() + ".pem");

    /// <summary>A listen address made dialable: an unspecified host (0.0.0.0, ::) means this machine.</summary>
    public static string DialAddress(string listenAddr)
    {
        var colon = listenAddr.LastIndexOf(':');
        var host = colon >= 0 ? listenAddr[..colon] : listenAddr;
        var port = colon >= 0 ? listenAddr[(colon + 1)..] : "3025";
        host = host.Trim('[', ']');
        if (host is "" or "0.0.0.0" or "::")
        {
            host = "127.0.0.1";
        }

        return host.Contains(':') ? $"[{host}]:{port}" : $"{host}:{port}";
    }
}
