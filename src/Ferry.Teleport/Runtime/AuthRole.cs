using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Auth;
using Ferry.Auth.Hosting;
using Ferry.Config;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Hosting.Diagnostics;
using Ferry.Storage;
using Ferry.Storage.Audit;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace Ferry.Teleport.Runtime;

/// <summary>Starts the auth service: CAs and built-in roles, its mTLS listener, and the local admin identity for tctl.</summary>
internal sealed class AuthRole : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IAuditStore _auditStore;

    private AuthRole(AuthServer server, IAuditStore auditStore, WebApplication app, string dialAddress, LocalIdentities identities)
    {
        Server = server;
        _auditStore = auditStore;
        _app = app;
        DialAddress = dialAddress;
        Identities = identities;
    }

    public AuthServer Server { get; }

    /// <summary>The host certificates of this process's services, re-issued here at half-life.</summary>
    public LocalIdentities Identities { get; }

    /// <summary>What /readyz asks of auth: its storage and its audit log answer, and its view of locks is loaded.</summary>
    public IEnumerable<ReadinessCheck> Readiness =>
    [
        new("auth storage", async ct =>
        {
            await Server.Backend.GetAsync("/cluster/name", ct);
            return null;
        }),
        // An auth server that cannot record what it decides should not be handed requests (every outcome is audited).
        new("auth audit log", async ct =>
        {
            await _auditStore.SearchAsync(new AuditQuery { From = Server.Time.GetUtcNow(), Limit = 1 }, ct);
            return null;
        }),
        new("auth locks", _ => ValueTask.FromResult(Server.LockIndex.Ready.IsCompletedSuccessfully ? null : "the lock index has not loaded yet")),
    ];

    /// <summary>host:port other services in this process dial to reach the auth API.</summary>
    public string DialAddress { get; }

    public static async Task<AuthRole> StartAsync(
        FileConfig config, IBackend backend, IAuditStore auditStore, string hostId, ProcessContext context, CancellationToken cancellationToken)
    {
        var teleport = config.Teleport;
        var auth = config.Auth;
        var options = new AuthServerOptions
        {
            ClusterName = auth.ClusterName,
            SecondFactor = auth.Authentication.SecondFactor == "otp" ? SecondFactorMode.Otp : SecondFactorMode.Off,
            AuthenticationType = auth.Authentication.Type,
            DefaultConnector = auth.Authentication.ConnectorName,
            ProxyPublicAddrs = config.Proxy.Enabled ? ProxyRole.PublicAddrs(config) : [],
            AppPublicAddrs = auth.AppPublicAddrs,
        };
        var server = await AuthServer.InitializeAsync(backend, auditStore, options, context.Time, cancellationToken, context.LoggerFactory);
        var identities = new LocalIdentities(context.Time, context.LoggerFactory.CreateLogger("Ferry.Teleport.Identities"));

        var listen = ListenAddress.Parse(auth.ListenAddr.ToString(), "auth_service.listen_addr");
        var names = new List<string> { "localhost", "127.0.0.1", "::1", teleport.NodeName, auth.ListenAddr.Host }
            .Concat(auth.PublicAddrs.Select(a => a.Host)).Where(n => n is not "0.0.0.0" and not "::").Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var tls = identities.Add("auth TLS", IssueOwnCertificate(server, hostId, teleport.NodeName, SystemRoles.Auth, names),
            _ => Task.FromResult(IssueOwnCertificate(server, hostId, teleport.NodeName, SystemRoles.Auth, names)));
        identities.Add("tctl admin identity", WriteAdminIdentity(server, hostId, teleport.DataDir),
            _ => Task.FromResult(WriteAdminIdentity(server, hostId, teleport.DataDir)));

        var app = AuthHost.Build(server, listen, () => tls.Current, context.ConfigureLogging);
        await app.StartAsync(cancellationToken);
        var dial = AdminIdentity.DialAddress(auth.ListenAddr.ToString());
        context.Logger.LogInformation("Auth service {Version} is starting on {Address}", Core.FerryVersion.Current, auth.ListenAddr);
        await context.Console.WriteLineAsync($"[AUTH]   Auth service {Core.FerryVersion.Current} is starting on {auth.ListenAddr}.");
        return new AuthRole(server, auditStore, app, dial, identities);
    }

    /// <summary>A host certificate for a key that never leaves this process.</summary>
    public static X509Certificate2 IssueOwnCertificate(AuthServer server, string hostId, string nodeName, string systemRole, IEnumerable<string> dnsNames)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = server.Issuer.IssueHost(key, hostId, nodeName, systemRole, dnsNames, server.Options.HostCertTtl);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>The tctl admin identity (0600 in data_dir), rewritten at every start and at half-life.</summary>
    private static X509Certificate2 WriteAdminIdentity(AuthServer server, string hostId, string dataDir)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = server.Issuer.IssueHost(key, hostId, "tctl", SystemRoles.Admin, [], server.Options.HostCertTtl);
        var file = IdentityFile.Create(key, certificate, server.Issuer.Authorities.Host.CertificatePem, server.Issuer.Authorities.User.CertificatePem);
        file.Save(AdminIdentity.PathIn(dataDir));
        return file.Certificate;
    }

    public async ValueTask DisposeAsync()
    {
        await Identities.DisposeAsync();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
        await Server.DisposeAsync();
    }
}
