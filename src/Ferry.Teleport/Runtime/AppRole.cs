using System.Security.Cryptography;
using Ferry.AppService;
using Ferry.Client.Http;
using Ferry.Config;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Hosting.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Runtime;

/// <summary>
/// Starts the app service. A separate agent dials teleport.proxy_server and joins with its token the first
/// time; an agent in the same process as auth gets its identity from auth directly and dials the local proxy.
/// </summary>
internal sealed class AppRole : IAsyncDisposable
{
    private readonly AppAgent _agent;

    private AppRole(AppAgent agent)
    {
        _agent = agent;
    }

    public static async Task<AppRole> StartAsync(FileConfig config, AuthRole? auth, string hostId, ProcessContext context, CancellationToken cancellationToken)
    {
        var teleport = config.Teleport;
        string proxyAddress;
        if (teleport.ProxyServer is { } proxyServer)
        {
            proxyAddress = proxyServer.ToString();
        }
        else if (config.Proxy.Enabled)
        {
            proxyAddress = AdminIdentity.DialAddress(config.Proxy.WebListenAddr.ToString());
        }
        else
        {
            throw FerryException.BadParameter("app_service needs teleport.proxy_server: Ferry agents join and connect through the proxy (e.g. proxy_server: teleport.example.com:443)");
        }

        if (auth is not null)
        {
            await IssueLocalIdentityAsync(auth, hostId, teleport, config.Apps.Apps.Select(a => a.Name).ToList(), cancellationToken);
        }

        // Once joined, the identity in data_dir is what counts; the token (often a deleted /tmp file) is not read again.
        var joined = File.Exists(AdminIdentity.HostIdentityPath(teleport.DataDir, SystemRoles.App));
        var token = joined ? null : JoinToken.Read(teleport.JoinParams, "app");
        var publicAddr = await ProxyPublicAddressAsync(proxyAddress, cancellationToken);
        var options = new AppServiceOptions
        {
            ProxyAddress = proxyAddress,
            DataDir = teleport.DataDir,
            NodeName = teleport.NodeName,
            Apps = config.Apps.Apps.Select(a => a.ToApp(publicAddr)).ToList(),
            ProxyPublicAddr = publicAddr,
            JoinToken = token,
            CaPins = teleport.CaPins,
            Insecure = context.Insecure,
        };
        var agent = await AppAgent.StartAsync(options, context.LoggerFactory, context.ConfigureLogging, context.Time, cancellationToken);
        await context.Console.WriteLineAsync($"[APP]    App service {Core.FerryVersion.Current} is serving {string.Join(", ", agent.Serving)} through {proxyAddress}.");
        context.Logger.LogInformation("App service started for {Apps} through {Proxy}", string.Join(",", agent.Serving), proxyAddress);
        return new AppRole(agent);
    }

    /// <summary>
    /// Same process as auth: no token needed. The agent is registered like a joined one, bound to the apps of this
    /// very config (trusted: it is auth's own), and renews its certificate through the proxy like any agent.
    /// </summary>
    private static async Task IssueLocalIdentityAsync(AuthRole auth, string hostId, TeleportConfig teleport, IReadOnlyList<string> appNames, CancellationToken cancellationToken)
    {
        var path = AdminIdentity.HostIdentityPath(teleport.DataDir, SystemRoles.App);
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var authorities = auth.Server.Issuer.Authorities;
        using var certificate = await auth.Server.Hosts.IssueLocalAsync(key, hostId, SystemRoles.App, teleport.NodeName, appNames, [], cancellationToken);
        IdentityFile.Create(key, certificate, authorities.Host.CertificatePem, authorities.User.CertificatePem).Save(path);
    }

    /// <summary>The proxy's public address, for apps that name no public_addr of their own (&lt;app&gt;.&lt;proxy host&gt;).</summary>
    private static async Task<string> ProxyPublicAddressAsync(string proxyAddress, CancellationToken cancellationToken)
    {
        // Only a display default is read here, so the proxy need not be verified yet; joining verifies it.
        using var proxy = new ProxyClient(proxyAddress, new ServerTrust(true, null));
        var ping = await proxy.PingAsync(cancellationToken);
        return ping.ProxyPublicAddr ?? proxyAddress;
    }

    /// <summary>What /readyz asks of the agent: its caches are in sync and at least one tunnel to a proxy is up.</summary>
    public IEnumerable<ReadinessCheck> Readiness =>
    [
        .. _agent.Caches.Select(cache => new ReadinessCheck($"agent cache {cache.Prefix}", _ => ValueTask.FromResult(cache.IsStale ? "not in sync with the auth server" : null))),
        new("agent tunnels", _ => ValueTask.FromResult(_agent.Tunnel.IsConnected ? null : "no tunnel to a proxy is up")),
    ];

    public ValueTask DisposeAsync() => _agent.DisposeAsync();
}
