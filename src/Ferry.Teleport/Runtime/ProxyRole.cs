using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Config;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Proxy;
using Ferry.Proxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Runtime;

/// <summary>
/// Starts the proxy: its host identity towards auth, its public HTTPS listener (the configured key pairs, or a
/// certificate from the cluster's host CA covering the public host and its app subdomains).
/// </summary>
internal sealed class ProxyRole : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ProxyServer _server;

    private ProxyRole(ProxyServer server, WebApplication app)
    {
        _server = server;
        _app = app;
    }

    public static IReadOnlyList<string> PublicAddrs(FileConfig config)
    {
        var proxy = config.Proxy;
        return proxy.PublicAddrs.Count > 0
            ? proxy.PublicAddrs.Select(a => a.ToString()).ToList()
            : [$"{config.Teleport.NodeName}:{proxy.WebListenAddr.Port}"];
    }

    public static async Task<ProxyRole> StartAsync(FileConfig config, AuthRole? auth, string hostId, ProcessContext context, CancellationToken cancellationToken)
    {
        if (auth is null)
        {
            throw FerryException.NotImplemented(
                "proxy_service needs auth_service in the same process in this version of Ferry; enable both, or run the proxy on the auth host");
        }

        var publicAddrs = PublicAddrs(config);
        var identity = AuthRole.IssueOwnCertificate(auth.Server, hostId, config.Teleport.NodeName, SystemRoles.Proxy, []);
        var options = new ProxyServerOptions { PublicAddrs = publicAddrs, AuthApiBase = new Uri($"https://{auth.DialAddress}/v1/") };

        var bootstrap = new ServerTrust(false, auth.Server.Issuer.Authorities.Host.Certificate);
        using var client = new AuthClient(new ApiCaller(FerryHttp.CreateClient(options.AuthApiBase, bootstrap, identity), "the auth server"));
        var status = await client.StatusAsync(cancellationToken);
        var cas = await client.CasAsync(cancellationToken);
        var server = new ProxyServer(options, identity, cas, status, context.Time, context.LoggerFactory);
        await server.StartCachesAsync(cancellationToken);

        var listen = ListenAddress.Parse(config.Proxy.WebListenAddr.ToString(), "proxy_service.web_listen_addr");
        var certificate = WebCertificate(config, auth, hostId, publicAddrs);
        var app = ProxyHost.Build(server, listen, certificate, context.ConfigureLogging);
        await app.StartAsync(cancellationToken);
        context.Logger.LogInformation("Web proxy service {Version} is starting on {Address}", Core.FerryVersion.Current, config.Proxy.WebListenAddr);
        await context.Console.WriteLineAsync($"[PROXY]  Web proxy service {Core.FerryVersion.Current} is starting on {config.Proxy.WebListenAddr}.");
        return new ProxyRole(server, app);
    }

    private static X509Certificate2 WebCertificate(FileConfig config, AuthRole auth, string hostId, IReadOnlyList<string> publicAddrs)
    {
        if (config.Proxy.HttpsKeyPairs.Count > 0)
        {
            var pair = config.Proxy.HttpsKeyPairs[0];
            try
            {
                return X509Certificate2.CreateFromPemFile(pair.CertFile, pair.KeyFile);
            }
            catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or IOException)
            {
                throw FerryException.BadParameter(
                    $"proxy_service.https_keypairs: cannot load {pair.CertFile} with key {pair.KeyFile}: {e.Message}; they must be PEM files of one certificate and its key");
            }
        }

        var hosts = publicAddrs.Select(ListenAddress.HostOf).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var names = new List<string>(hosts);
        names.AddRange(hosts.Where(h => !System.Net.IPAddress.TryParse(h, out _)).Select(h => "*." + h));
        names.AddRange(["localhost", "127.0.0.1", "::1", config.Teleport.NodeName]);
        return AuthRole.IssueOwnCertificate(auth.Server, hostId, config.Teleport.NodeName, SystemRoles.Proxy, names);
    }

    public async ValueTask DisposeAsync()
    {
        // Close tunnels and watch feeds first, so no long-lived request holds the listener's drain.
        await _server.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
