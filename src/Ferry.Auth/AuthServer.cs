using Ferry.Auth.Apps;
using Ferry.Auth.Audit;
using Ferry.Auth.Authorities;
using Ferry.Auth.Connectors;
using Ferry.Auth.Hosts;
using Ferry.Auth.Locks;
using Ferry.Auth.Roles;
using Ferry.Auth.Sso;
using Ferry.Auth.Storage;
using Ferry.Auth.Tokens;
using Ferry.Auth.Users;
using Ferry.Auth.Web;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Storage;
using Ferry.Storage.Audit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Auth;

/// <summary>
/// The auth service's state and logic, independent of HTTP: CAs, users and logins, roles, join tokens, audit.
/// It is the only component that writes storage and the only one holding CA private keys.
/// </summary>
public sealed class AuthServer : IAsyncDisposable
{
    private AuthServer(IBackend backend, IAuditStore auditStore, AuthServerOptions options, TimeProvider time, ClusterAuthorities cas, ILoggerFactory loggerFactory)
    {
        Backend = backend;
        Options = options;
        Time = time;
        Audit = new AuditLog(auditStore, time, options.ClusterName);
        Issuer = new CertIssuer(cas, time);
        Verifier = new IdentityVerifier(cas.User.Certificate, cas.Host.Certificate, time);
        var userStore = new ResourceStore<User>(backend, "/users/", "user", ResourceSerializers.User);
        Roles = new RoleService(new ResourceStore<Role>(backend, "/roles/", "role", ResourceSerializers.Role), userStore, Audit);
        Users = new UserService(userStore, Roles, Audit, options, time);
        Connectors = new ConnectorService(backend, Roles, Audit, time, options.ClusterName);
        LockIndex = new LockIndex(backend, time, loggerFactory.CreateLogger("Ferry.Auth.Locks"));
        Login = new LoginService(Users, Roles, Issuer, Audit, options, time, backend, LockIndex);
        Tokens = new TokenService(new ResourceStore<ProvisionToken>(backend, "/tokens/", "token", ResourceSerializers.Token), Audit, time);
        Hosts = new HostService(Tokens, Issuer, Audit, options, backend, time);
        AppServers = new AppServerService(
            new ResourceStore<AppServer>(backend, "/app_servers/", "app server", ResourceSerializers.AppServer), Hosts, options, time, loggerFactory.CreateLogger("Ferry.Auth.Apps"));
        Locks = new LockService(backend, Audit, time);
        AppSessions = new AppSessionService(AppServers, Roles, Issuer, Audit, backend, time);
        WebSessions = new WebSessionService(Login, Roles, backend, Audit);
        _idpHttp = new IdpHttp();
        var flows = new SsoFlows(_idpHttp, backend, time);
        Sso = new SsoService(Connectors, new SsoRequestStore(backend), flows.All, Roles, Users, Login, WebSessions, Audit, options, time);
        if (options.CheckConnectorEndpoints)
        {
            Connectors.Probe = flows.ProbeAsync;
        }
    }

    private readonly IdpHttp _idpHttp;

    public IBackend Backend { get; }
    public AuthServerOptions Options { get; }
    public TimeProvider Time { get; }
    public AuditLog Audit { get; }
    public CertIssuer Issuer { get; }
    public IdentityVerifier Verifier { get; }
    public RoleService Roles { get; }
    public UserService Users { get; }

    /// <summary>SSO connectors (github, oidc, saml) as resources; <see cref="Sso"/> logs users in through them.</summary>
    public ConnectorService Connectors { get; }
    public LoginService Login { get; }
    public TokenService Tokens { get; }
    public HostService Hosts { get; }
    public LockService Locks { get; }

    /// <summary>Locks and revocations as auth checks them on every call (kept current from storage's change feed).</summary>
    public LockIndex LockIndex { get; }
    public AppServerService AppServers { get; }
    public AppSessionService AppSessions { get; }
    public WebSessionService WebSessions { get; }

    /// <summary>Logins through the github, oidc and saml connectors (docs/sso.md).</summary>
    public SsoService Sso { get; }

    public string ClusterName => Options.ClusterName;

    /// <summary>Loads (or on first start creates) the CAs and built-in roles; audit events go to <paramref name="auditStore"/>.</summary>
    public static async Task<AuthServer> InitializeAsync(
        IBackend backend, IAuditStore auditStore, AuthServerOptions options, TimeProvider time, CancellationToken cancellationToken, ILoggerFactory? loggerFactory = null)
    {
        var cas = await CaStore.LoadOrCreateAsync(backend, options.ClusterName, time, cancellationToken);
        var server = new AuthServer(backend, auditStore, options, time, cas, loggerFactory ?? NullLoggerFactory.Instance);
        await server.Roles.EnsureBuiltinsAsync(cancellationToken);
        server.LockIndex.Start();
        await server.LockIndex.Ready.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        return server;
    }

    public ValueTask DisposeAsync()
    {
        _idpHttp.Dispose();
        return LockIndex.DisposeAsync();
    }
}
