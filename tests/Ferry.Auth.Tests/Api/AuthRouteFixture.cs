using System.Net.Http.Json;
using System.Security.Cryptography;
using Ferry.Auth.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tests.Api;

/// <summary>
/// The auth API on a loopback port with every caller of <see cref="ApiCaller"/> minted and a target for every mutating
/// route seeded, so a route that wrongly let a caller through would change something the test can see.
/// One per test class (a class fixture): successful calls in one class never weaken another class's checks.
/// </summary>
public sealed class AuthRouteFixture : IAsyncLifetime
{
    public const string Arn = "arn:aws:iam::123456789000:role/DynamoReader";
    public const string AppUri = "https://console.aws.amazon.com/dynamodbv2/home";
    public const string JoinTokenValue = "join-token-for-route-tests-0001";

    private readonly Dictionary<ApiCaller, HttpClient> _clients = [];
    private RunningAuthApi? _api;

    internal RunningAuthApi Api => _api ?? throw new InvalidOperationException("the fixture has not started");

    public string AppHostId { get; private set; } = "";
    public string TokenToDelete { get; private set; } = "";
    public string SignupToRead { get; private set; } = "";

    /// <summary>The state of a tsh login in progress (answered once, by the callback route's allowed call).</summary>
    public string SsoStateToAnswer { get; private set; } = "";

    public static SsoConsoleLoginRequest ConsoleSsoRequest() => new()
    {
        Connector = "github/" + ConnectorToRead(ResourceKinds.Github),
        PublicKey = NewPublicKey(),
        ClientRedirectUrl = "http://127.0.0.1:45678/callback",
        SealKey = Ferry.Core.Sso.SsoSeal.NewKey(),
    };
    public string SignupToComplete { get; private set; } = "";
    public string AppSessionToRead { get; private set; } = "";
    public string AppSessionToEnd { get; private set; } = "";
    public string WebSessionToRead { get; private set; } = "";
    public string WebSessionToEnd { get; private set; } = "";
    public ExchangeAppSessionRequest Exchange { get; private set; } = new() { SessionId = "", Token = "" };
    public const string LockOfMallory = "lock-mallory";
    public const string LockToDelete = "lock-to-delete";

    public async Task InitializeAsync()
    {
        _api = await RunningAuthApi.StartAsync();
        var server = Api.Server;
        var ct = CancellationToken.None;
        var aliceTraits = new Dictionary<string, IReadOnlyList<string>> { ["aws_role_arns"] = [Arn] };

        // Users: the callers, and the users the user routes act on.
        await AddUserAsync("nobody", []);
        await AddUserAsync("alice", ["access"], aliceTraits);
        await AddUserAsync("erin", ["editor"]);
        await AddUserAsync("mallory", ["editor"]);
        foreach (var victim in new[] { "victim", "victim-delete", "victim-reset", "someone-else" })
        {
            await AddUserAsync(victim, ["access"]);
        }

        SignupToRead = (await Api.Auth.AddUserAsync("invitee-read", ["access"], password: null)).SignupToken!;
        SignupToComplete = (await Api.Auth.AddUserAsync("invitee-complete", ["access"], password: null)).SignupToken!;

        // Role, tokens and locks the routes would delete.
        await server.Roles.CreateAsync(new Role { Metadata = new ResourceMetadata { Name = "target-role" } }, false, "test", ct);
        TokenToDelete = (await server.Tokens.CreateAsync([SystemRoles.App], null, null, null, ["other-app"], "test", ct)).Name;
        await server.Tokens.CreateAsync([SystemRoles.App], null, JoinTokenValue, null, ["dynamo"], "test", ct);
        await server.Locks.UpsertAsync(Lock(LockToDelete, "someone-else"), false, "test", ct);

        // A connector of each kind to read and one to delete; a user whose role lists them but may not read secrets.
        foreach (var kind in ResourceKinds.Connectors)
        {
            await server.Connectors.UpsertAsync(Connector(kind, ConnectorToRead(kind)), false, "test", ct);
            await server.Connectors.UpsertAsync(Connector(kind, ConnectorToDelete(kind)), false, "test", ct);
        }

        // A tsh login in progress through the GitHub connector, for the callback route to answer (with GitHub's "denied").
        var started = await server.Sso.BeginConsoleAsync(ConsoleSsoRequest(), "198.51.100.7", ct);
        SsoStateToAnswer = System.Web.HttpUtility.ParseQueryString(new Uri(started.RedirectUrl).Query)["state"]!;

        await server.Roles.CreateAsync(ConnectorViewerRole, false, "test", ct);
        await AddUserAsync("viv", [ConnectorViewerRole.Name]);

        // An app agent announcing two apps.
        var agentToken = await server.Tokens.CreateAsync([SystemRoles.App], null, null, null, ["dynamo", "spare"], "test", ct);
        var agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var joined = await server.Hosts.JoinAsync(
            new JoinRequest { Token = agentToken.Name, Role = SystemRoles.App, NodeName = "agent", PublicKey = agentKey.ExportSubjectPublicKeyInfoPem() }, "10.0.0.5", ct);
        AppHostId = joined.HostId;
        var appHost = RunningAuthApi.WithKey(joined.CertPem, agentKey);
        await server.AppServers.HeartbeatAsync(Heartbeat("dynamo"), AppHostId, ct);
        await server.AppServers.HeartbeatAsync(Heartbeat("spare"), AppHostId, ct);

        // A registered proxy.
        var proxyKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var proxy = await server.Hosts.IssueLocalAsync(proxyKey, "routes", SystemRoles.Proxy, "proxy", [], ["127.0.0.1"], ct);

        // Alice's app sessions: one whose certificate is a caller, one to end, and a browser launch to exchange.
        var alice = Api.UserIdentity("alice", ["access"], aliceTraits);
        var appKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var appSession = await server.AppSessions.CreateAsync(alice, AppSessionRequest(appKey.ExportSubjectPublicKeyInfoPem()), ct);
        AppSessionToRead = appSession.SessionId;
        var appCertificate = RunningAuthApi.WithKey(appSession.CertPem, appKey);
        AppSessionToEnd = (await server.AppSessions.CreateAsync(alice, AppSessionRequest(NewPublicKey()), ct)).SessionId;
        WebSessionToRead = (await server.WebSessions.CreateAsync(WebSessionRequest("alice"), "127.0.0.1", ct)).Session.Id;
        WebSessionToEnd = (await server.WebSessions.CreateAsync(WebSessionRequest("alice"), "127.0.0.1", ct)).Session.Id;
        var launch = await server.AppSessions.CreateAsync(alice, AppSessionRequest(NewPublicKey()) with { WebSessionId = WebSessionToRead }, ct);
        var dot = launch.ExchangeToken!.IndexOf('.', StringComparison.Ordinal);
        Exchange = new ExchangeAppSessionRequest { SessionId = launch.ExchangeToken[..dot], Token = launch.ExchangeToken[(dot + 1)..] };

        // Mallory is locked; auth's lock index learns it from the change feed.
        var malloryIdentity = Api.UserIdentity("mallory", ["editor"]);
        await server.Locks.UpsertAsync(Lock(LockOfMallory, "mallory"), false, "test", ct);
        await Eventually.TrueAsync(() => server.LockIndex.Refusal(malloryIdentity) is not null, TimeSpan.FromSeconds(10), "auth's lock index has mallory's lock");

        var editor = Api.UserCertificate("erin", ["editor"]);
        var nobody = Api.UserCertificate("nobody", []);
        _clients[ApiCaller.NoCertificate] = Api.Client(null);
        _clients[ApiCaller.NoRoles] = Api.Client(nobody);
        _clients[ApiCaller.Access] = Api.Client(Api.UserCertificate("alice", ["access"], aliceTraits));
        _clients[ApiCaller.AppCertificate] = Api.Client(appCertificate);
        _clients[ApiCaller.AppHost] = Api.Client(appHost);
        _clients[ApiCaller.ProxyHost] = Api.Client(proxy);
        _clients[ApiCaller.ProxyForwardingNoRoles] = Api.Client(proxy, forwarded: nobody);
        _clients[ApiCaller.AppHostForwardingEditor] = Api.Client(appHost, forwarded: editor);
        _clients[ApiCaller.LockedEditor] = Api.Client(Api.UserCertificate("mallory", ["editor"]));
        _clients[ApiCaller.Editor] = Api.Client(editor);
        _clients[ApiCaller.ConnectorViewer] = Api.Client(Api.UserCertificate("viv", [ConnectorViewerRole.Name]));
    }

    /// <summary>
    /// Sends <paramref name="request"/> as <paramref name="caller"/>: the status (<see cref="ConnectionRefused"/> when the
    /// connection was refused) and, for errors, the body. Only an error's body is read: a watch that
    /// succeeded would stream forever.
    /// </summary>
    /// <summary>The "status" of a call whose connection or TLS handshake failed.</summary>
    public const int ConnectionRefused = 0;

    public async Task<ApiAnswer> SendAsync(ApiCaller caller, HttpRequestMessage request)
    {
        try
        {
            using var response = await _clients[caller].SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var status = (int)response.StatusCode;
            return new ApiAnswer(status, status >= 300 ? await response.Content.ReadAsStringAsync() : "");
        }
        catch (HttpRequestException e)
        {
            return new ApiAnswer(ConnectionRefused, e.Message);
        }
    }

    /// <summary>Sends a request with a finite answer (not a watch) and returns its status and body, success or not.</summary>
    public async Task<ApiAnswer> SendReadingBodyAsync(ApiCaller caller, HttpRequestMessage request)
    {
        using var response = await _clients[caller].SendAsync(request);
        return new ApiAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public async Task<T> GetJsonAsync<T>(ApiCaller caller, HttpRequestMessage request)
    {
        using var response = await _clients[caller].SendAsync(request);
        Assert.Equal(200, (int)response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<T>(ApiJson.Options))!;
    }

    public static string NewPublicKey()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfoPem();
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
                Spec = new AppSpec { Uri = AppUri, PublicAddr = app + ".proxy.test", Cloud = "AWS" },
            },
        },
    };

    public static AccessLock Lock(string name, string user) => new()
    {
        Metadata = new ResourceMetadata { Name = name },
        Spec = new LockSpec { Target = new LockTarget { User = user }, Message = "route tests" },
    };

    public static string ConnectorToRead(string kind) => "route-" + kind;

    public static string ConnectorToDelete(string kind) => "route-" + kind + "-delete";

    /// <summary>A valid connector of <paramref name="kind"/> named <paramref name="name"/>, mapping to access.</summary>
    public static IAuthConnector Connector(string kind, string name) => kind switch
    {
        ResourceKinds.Github => ConnectorSamples.Github(name),
        ResourceKinds.Oidc => ConnectorSamples.Oidc(name),
        _ => ConnectorSamples.Saml(name, ConnectorSamples.KeyPair()),
    };

    private static readonly Role ConnectorViewerRole = new()
    {
        Metadata = new ResourceMetadata { Name = "connector-viewer" },
        Spec = new RoleSpec { Allow = new RoleConditions { Rules = [new RoleRule { Resources = ResourceKinds.Connectors, Verbs = [Verbs.List] }] } },
    };

    public static CreateAppSessionRequest AppSessionRequest(string publicKey) => new() { AppName = "dynamo", AwsRoleArn = Arn, PublicKey = publicKey };

    public static CreateWebSessionRequest WebSessionRequest(string user) => new() { User = user, Password = AuthFixture.Password, PublicKey = NewPublicKey() };

    public static JsonContent Json<T>(T value) => JsonContent.Create(value, options: ApiJson.Options);

    private async Task AddUserAsync(string name, IReadOnlyList<string> roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits = null)
    {
        var user = new User { Metadata = new ResourceMetadata { Name = name }, Spec = new UserSpec { Roles = roles, Traits = traits ?? new Dictionary<string, IReadOnlyList<string>>() } };
        await Api.Server.Users.CreateAsync(user, AuthFixture.Password, "test", CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        if (_api is not null)
        {
            await _api.DisposeAsync();
        }
    }
}

/// <summary>What a call got back: its status and, for an error, the body that explains it.</summary>
public sealed record ApiAnswer(int Status, string Body)
{
    public void AssertStatus(int expected) => Assert.True(Status == expected, $"expected {expected}, got {Status}: {Body}");
}
