using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Proxy.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ferry.Proxy.Tests;

/// <summary>
/// A real proxy in process against the real auth API, wired as the daemon does it (ProxyRole): a registered Proxy
/// identity from IssueLocalAsync, a <see cref="ProxyServer"/> with its caches loaded from auth's feeds, and
/// <see cref="ProxyHost"/> on a loopback port. Clients for every <see cref="ProxyCaller"/>.
/// </summary>
public sealed class ProxyRouteFixture : IAsyncLifetime
{
    public const string Arn = "arn:aws:iam::123456789000:role/DynamoReader";

    private readonly Dictionary<ProxyCaller, HttpClient> _clients = [];
    private RunningAuthApi? _auth;
    private ProxyServer? _proxy;
    private WebApplication? _app;

    internal RunningAuthApi Auth => _auth ?? throw new InvalidOperationException("the fixture has not started");

    internal WebApplication App => _app ?? throw new InvalidOperationException("the fixture has not started");

    public string SignupToken { get; private set; } = "";

    public async Task InitializeAsync()
    {
        _auth = await RunningAuthApi.StartAsync();
        var server = Auth.Server;
        var ct = CancellationToken.None;
        var aliceTraits = new Dictionary<string, IReadOnlyList<string>> { ["aws_role_arns"] = [Arn] };
        await AddUserAsync("nobody", []);
        await AddUserAsync("alice", ["access"], aliceTraits);
        await AddUserAsync("erin", ["editor"]);
        SignupToken = (await Auth.Auth.AddUserAsync("invitee", ["access"], password: null)).SignupToken!;

        // An agent announcing "dynamo", before the proxy's caches load.
        var agentToken = await server.Tokens.CreateAsync([SystemRoles.App], null, null, null, ["dynamo"], "test", ct);
        var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var joined = await server.Hosts.JoinAsync(
            new JoinRequest { Token = agentToken.Name, Role = SystemRoles.App, NodeName = "agent", PublicKey = agentKey.ExportSubjectPublicKeyInfoPem() }, "10.0.0.5", ct);
        await server.AppServers.HeartbeatAsync(Heartbeat("dynamo"), joined.HostId, ct);

        // The proxy, as ProxyRole starts it.
        var proxyKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var proxyCertificate = await server.Hosts.IssueLocalAsync(proxyKey, "routes", SystemRoles.Proxy, "proxy", [], ["127.0.0.1", "localhost"], ct);
        var options = new ProxyServerOptions { PublicAddrs = ["proxy.test:3080"], AuthApiBase = new Uri(Auth.Address, "v1/") };
        StatusResponse status;
        CaResponse cas;
        using (var bootstrap = new AuthClient(new ApiCaller(FerryHttp.CreateClient(options.AuthApiBase, ServerTrust.ForAuth(server.Issuer.Authorities.Host.Certificate), proxyCertificate), "the auth server")))
        {
            status = await bootstrap.StatusAsync(ct);
            cas = await bootstrap.CasAsync(ct);
        }

        _proxy = new ProxyServer(options, new CertificateSource(proxyCertificate), cas, status, server.Time, NullLoggerFactory.Instance);
        await _proxy.StartAsync(ct);
        _app = ProxyHost.Build(_proxy, new IPEndPoint(IPAddress.Loopback, 0), _ => proxyCertificate, _ => { });
        await _app.StartAsync(ct);
        var address = new Uri($"https://127.0.0.1:{new Uri(_app.Urls.First()).Port}/");

        var editor = Auth.UserCertificate("erin", ["editor"]);
        var nobody = Auth.UserCertificate("nobody", []);
        _clients[ProxyCaller.Anonymous] = Client(address, proxyCertificate, null);
        _clients[ProxyCaller.AnonymousForgingEditor] = Client(address, proxyCertificate, null, forged: editor);
        _clients[ProxyCaller.NoRoles] = Client(address, proxyCertificate, nobody);
        _clients[ProxyCaller.NoRolesForgingEditor] = Client(address, proxyCertificate, nobody, forged: editor);
        _clients[ProxyCaller.Access] = Client(address, proxyCertificate, Auth.UserCertificate("alice", ["access"], aliceTraits));
        _clients[ProxyCaller.Editor] = Client(address, proxyCertificate, editor);
        _clients[ProxyCaller.AppHost] = Client(address, proxyCertificate, RunningAuthApi.WithKey(joined.CertPem, agentKey));
        _clients[ProxyCaller.SignedInNoRoles] = Client(address, proxyCertificate, null, cookie: await SessionCookieAsync("nobody"));
        _clients[ProxyCaller.SignedInAccess] = Client(address, proxyCertificate, null, cookie: await SessionCookieAsync("alice"));
    }

    /// <summary>Sends as <paramref name="caller"/>: status, redirect target and (for errors) the body; 0 when the connection failed.</summary>
    public async Task<ProxyAnswer> SendAsync(ProxyCaller caller, HttpRequestMessage request)
    {
        try
        {
            using var response = await _clients[caller].SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            var body = status >= 400 ? await response.Content.ReadAsStringAsync() : "";
            return new ProxyAnswer(status, response.Headers.Location?.OriginalString, body);
        }
        catch (HttpRequestException e)
        {
            return new ProxyAnswer(0, null, e.Message);
        }
    }

    public static AppServer Heartbeat(string app) => new()
    {
        Metadata = new ResourceMetadata { Name = app },
        Spec = new AppServerSpec
        {
            HostId = "ignored",
            Hostname = "agent",
            App = new App
            {
                Metadata = new ResourceMetadata { Name = app },
                Spec = new AppSpec { Uri = "https://console.aws.amazon.com/dynamodbv2/home", PublicAddr = app + ".proxy.test", Cloud = "AWS" },
            },
        },
    };

    private static HttpClient Client(Uri address, X509Certificate2 server, X509Certificate2? certificate, X509Certificate2? forged = null, string? cookie = null)
    {
        var client = RunningAuthApi.Client(address, server, certificate, forged);
        if (cookie is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Cookie", cookie);
        }

        return client;
    }

    /// <summary>A web session made by auth (as the proxy's sign-in would), as the browser's cookie.</summary>
    private async Task<string> SessionCookieAsync(string user)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var created = await Auth.Server.WebSessions.CreateAsync(
            new CreateWebSessionRequest { User = user, Password = AuthFixture.Password, PublicKey = key.ExportSubjectPublicKeyInfoPem() }, "127.0.0.1", CancellationToken.None);
        return $"__Host-ferry_web={created.Session.Id}.{created.Secret}";
    }

    private async Task AddUserAsync(string name, IReadOnlyList<string> roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits = null)
    {
        var user = new User { Metadata = new ResourceMetadata { Name = name }, Spec = new UserSpec { Roles = roles, Traits = traits ?? new Dictionary<string, IReadOnlyList<string>>() } };
        await Auth.Server.Users.CreateAsync(user, AuthFixture.Password, "test", CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        // As ProxyRole stops it: tunnels and feeds first, so no long-lived request holds the listener's drain.
        if (_proxy is not null)
        {
            await _proxy.DisposeAsync();
        }

        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        if (_auth is not null)
        {
            await _auth.DisposeAsync();
        }
    }
}

/// <summary>What the proxy answered: status, where it redirects to, and an error's body.</summary>
public sealed record ProxyAnswer(int Status, string? Location, string Body);
