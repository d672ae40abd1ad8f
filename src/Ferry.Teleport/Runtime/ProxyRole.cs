using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Cluster.Join;
using Ferry.Config;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Hosting.Diagnostics;
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
    private readonly IAsyncDisposable? _renewer;
    private readonly KeyPairCertificates? _keyPairs;

    private ProxyRole(ProxyServer server, WebApplication app, IAsyncDisposable? renewer, KeyPairCertificates? keyPairs)
    {
        _server = server;
        _app = app;
        _renewer = renewer;
        _keyPairs = keyPairs;
    }

    /// <summary>What /readyz asks of the proxy: every cache it decides requests on is in sync with auth.</summary>
    public IEnumerable<ReadinessCheck> Readiness => _server.Caches.Select(cache =>
        new ReadinessCheck($"proxy cache {cache.Prefix}", _ => ValueTask.FromResult(cache.IsStale ? "not in sync with the auth server" : null)));

    public static IReadOnlyList<string> PublicAddrs(FileConfig config)
    {
        var proxy = config.Proxy;
        return proxy.PublicAddrs.Count > 0
            ? proxy.PublicAddrs.Select(a => a.ToString()).ToList()
            : [$"{config.Teleport.NodeName}:{proxy.WebListenAddr.Port}"];
    }

    public static async Task<ProxyRole> StartAsync(FileConfig config, AuthRole? auth, string hostId, ProcessContext context, CancellationToken cancellationToken)
    {
        var publicAddrs = PublicAddrs(config);
        var webNames = WebNames(config, publicAddrs);
        var (identity, authApi, authTrust, renewer) = auth is not null
            ? await LocalIdentityAsync(config, auth, hostId, webNames, cancellationToken)
            : await JoinedIdentityAsync(config, webNames, context, cancellationToken);

        var options = new ProxyServerOptions { PublicAddrs = publicAddrs, AuthApiBase = authApi };
        using var client = new AuthClient(new ApiCaller(FerryHttp.CreateClient(options.AuthApiBase, authTrust, identity.Current), "the auth server"));
        var status = await client.StatusAsync(cancellationToken);
        var cas = await client.CasAsync(cancellationToken);
        var server = new ProxyServer(options, identity, cas, status, context.Time, context.LoggerFactory);
        await server.StartAsync(cancellationToken);

        var listen = ListenAddress.Parse(config.Proxy.WebListenAddr.ToString(), "proxy_service.web_listen_addr");
        var keyPairs = KeyPairCertificates.From(config.Proxy, context.Time, context.LoggerFactory.CreateLogger("Ferry.Proxy.KeyPairs"));
        var app = ProxyHost.Build(server, listen, keyPairs is null ? _ => identity.Current : keyPairs.Select, context.ConfigureLogging);
        await app.StartAsync(cancellationToken);
        context.Logger.LogInformation("Web proxy service {Version} is starting on {Address}", Core.FerryVersion.Current, config.Proxy.WebListenAddr);
        await context.Console.WriteLineAsync($"[PROXY]  Web proxy service {Core.FerryVersion.Current} is starting on {config.Proxy.WebListenAddr}.");
        return new ProxyRole(server, app, renewer, keyPairs);
    }

    /// <summary>
    /// Beside auth: one registered Proxy identity from auth directly, its client certificate towards auth and, unless
    /// https_keypairs gives another, the web listener's certificate (it names the public hosts and their app subdomains).
    /// </summary>
    private static async Task<(CertificateSource Identity, Uri AuthApi, ServerTrust AuthTrust, IAsyncDisposable? Renewer)> LocalIdentityAsync(
        FileConfig config, AuthRole auth, string hostId, IReadOnlyList<string> webNames, CancellationToken cancellationToken)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var initial = await auth.Server.Hosts.IssueLocalAsync(key, hostId, SystemRoles.Proxy, config.Teleport.NodeName, [], webNames, cancellationToken);
        var proxyIdentity = IdentityCodec.Decode(initial);
        var identity = auth.Identities.Add("proxy", initial, async ct =>
        {
            var next = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var renewed = await auth.Server.Hosts.RenewAsync(proxyIdentity, next.ExportSubjectPublicKeyInfoPem(), ct);
            using var certificate = X509Certificate2.CreateFromPem(renewed.CertPem);
            return certificate.CopyWithPrivateKey(next);
        });
        return (identity, new Uri($"https://{auth.DialAddress}/v1/"), ServerTrust.ForAuth(auth.Server.Issuer.Authorities.Host.Certificate), null);
    }

    /// <summary>
    /// A proxy of its own: joins auth (or the load balancer in front of several) at teleport.auth_server with a
    /// `tctl tokens add --type=proxy` token the first time, keeps the identity in data_dir, and renews it itself.
    /// </summary>
    private static async Task<(CertificateSource Identity, Uri AuthApi, ServerTrust AuthTrust, IAsyncDisposable? Renewer)> JoinedIdentityAsync(
        FileConfig config, IReadOnlyList<string> webNames, ProcessContext context, CancellationToken cancellationToken)
    {
        var teleport = config.Teleport;
        var authServer = teleport.AuthServer
            ?? throw FerryException.BadParameter("proxy_service without auth_service needs teleport.auth_server: the address of the auth server (or of a load balancer in front of several)");
        var authApi = new Uri($"https://{authServer}/v1/");
        var path = AdminIdentity.HostIdentityPath(teleport.DataDir, SystemRoles.Proxy);
        var host = await HostJoiner.JoinOrLoadAsync(
            new JoinSettings(authApi, $"the auth server at {authServer}", SystemRoles.Proxy, SystemRoles.Auth, path,
                File.Exists(path) ? null : JoinToken.Read(teleport.JoinParams, "proxy"), teleport.NodeName, teleport.CaPins, context.Insecure, webNames),
            context.LoggerFactory.CreateLogger("Ferry.Proxy.Join"),
            cancellationToken);
        var renewer = new IdentityRenewer(
            host,
            () => new AuthClient(new ApiCaller(FerryHttp.CreateClient(authApi, host.ServerTrust, host.Source), $"the auth server at {authServer}")),
            context.Time,
            context.LoggerFactory.CreateLogger("Ferry.Proxy.Identity"));
        return (host.Source, authApi, host.ServerTrust, renewer);
    }

    /// <summary>The public hosts, their app subdomains (*.host) and loopback names.</summary>
    private static IReadOnlyList<string> WebNames(FileConfig config, IReadOnlyList<string> publicAddrs)
    {
        var hosts = publicAddrs.Select(ListenAddress.HostOf).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var names = new List<string>(hosts);
        names.AddRange(hosts.Where(h => !System.Net.IPAddress.TryParse(h, out _)).Select(h => "*." + h));
        names.AddRange(["localhost", "127.0.0.1", "::1", config.Teleport.NodeName]);
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        // Close tunnels and watch feeds first, so no long-lived request holds the listener's drain.
        await _server.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        if (_renewer is not null)
        {
            await _renewer.DisposeAsync();
        }

        if (_keyPairs is not null)
        {
            await _keyPairs.DisposeAsync();
        }
    }
}
