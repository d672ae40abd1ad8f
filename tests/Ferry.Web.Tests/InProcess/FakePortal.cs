using System.Collections.Concurrent;
using System.Text.Json;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Proxy.WebSessions;

namespace Ferry.Web.Tests.InProcess;

/// <summary>A hand-written IWebPortal: one user "ann" (password "pw", code "123456"), configurable apps, events and failures; it records what the UI asked.</summary>
internal sealed class FakePortal : IWebPortal
{
    private readonly ConcurrentDictionary<string, WebSession> _sessions = new(StringComparer.Ordinal);

    public PingResponse Ping { get; set; } = new() { ClusterName = "fake.test", ServerVersion = "0.1.0", SecondFactor = "otp", ProxyPublicAddr = "fake.test:443" };
    public List<AppInfo> Apps { get; } = [];
    public List<AuditEvent> Events { get; } = [];
    public bool CanReadAudit { get; set; } = true;
    public string SignupUser { get; set; } = "ann";
    public Exception? ListAppsFailure { get; set; }
    public Exception? AuditFailure { get; set; }
    public ConcurrentQueue<string> Calls { get; } = new();
    public List<SsoConnectorInfo> Connectors { get; } = [];

    /// <summary>What the last sign-in button press sent (kind/name, return_to, the browser's binding value).</summary>
    public (string Connector, string? ReturnTo, string Binding)? LastSsoStart { get; private set; }

    /// <summary>When set, an identity provider's answer ends at this tsh listener instead of in a browser session.</summary>
    public Uri? SsoClientRedirect { get; set; }

    /// <summary>The parameters of the last identity-provider answer the UI passed on.</summary>
    public IReadOnlyDictionary<string, string>? LastSsoParameters { get; private set; }

    public Task<SsoConnectorsResponse> ListConnectorsAsync(CancellationToken cancellationToken) =>
        Task.FromResult(new SsoConnectorsResponse { Connectors = Connectors, DefaultType = "local" });

    public Task<Uri> StartSsoAsync(string kind, string connector, string? returnTo, string browserBinding, string? remoteAddr, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"sso-start {kind}/{connector}");
        if (!Connectors.Any(c => c.Kind == kind && c.Name == connector))
        {
            throw FerryException.NotFound($"{kind} connector \"{connector}\" does not exist");
        }

        LastSsoStart = ($"{kind}/{connector}", returnTo, browserBinding);
        return Task.FromResult(new Uri("https://idp.test/authorize?state=fake-state"));
    }

    /// <summary>Plays auth: the answer is accepted only from the browser holding the binding value of the last start.</summary>
    public Task<SsoOutcome> CompleteSsoAsync(string kind, string? connector, IReadOnlyDictionary<string, string> parameters, string? browserBinding, string? remoteAddr,
        CancellationToken cancellationToken)
    {
        Calls.Enqueue($"sso-complete {kind}");
        LastSsoParameters = parameters;
        if (SsoClientRedirect is { } client)
        {
            return Task.FromResult(new SsoOutcome(client, null, null));
        }

        if (LastSsoStart is not { } start || browserBinding != start.Binding)
        {
            throw FerryException.AccessDenied("this sign-in was started in another browser (or its cookie was lost); start the login again from the sign-in page");
        }

        return Task.FromResult(new SsoOutcome(null, NewSession(), start.ReturnTo));
    }

    public Task<WebSession> SignInAsync(string user, string password, string? otpCode, string? remoteAddr, CancellationToken cancellationToken)
    {
        Calls.Enqueue("signin " + user);
        if (user != "ann" || password != "pw" || otpCode != "123456")
        {
            throw FerryException.AccessDenied("invalid user name, password or authenticator code");
        }

        var session = NewSession();
        _sessions[session.CookieValue] = session;
        return Task.FromResult(session);
    }

    public WebSession NewSession(TimeSpan? ttl = null)
    {
        var id = Guid.NewGuid().ToString("N");
        var session = new WebSession
        {
            Id = id, User = "ann", Roles = ["access"], Expires = DateTimeOffset.UtcNow + (ttl ?? TimeSpan.FromHours(1)),
            CookieValue = id + ".secret", CsrfToken = "csrf-" + id, CanReadAudit = CanReadAudit,
        };
        _sessions[session.CookieValue] = session;
        return session;
    }

    public Task<WebSession?> FindSessionAsync(string? cookieValue, CancellationToken cancellationToken) =>
        Task.FromResult(cookieValue is not null && _sessions.TryGetValue(cookieValue, out var s) && s.Expires > DateTimeOffset.UtcNow ? s : null);

    public Task SignOutAsync(WebSession session, CancellationToken cancellationToken)
    {
        Calls.Enqueue("signout " + session.Id);
        _sessions.TryRemove(session.CookieValue, out _);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<AppInfo>> ListAppsAsync(WebSession session, CancellationToken cancellationToken) =>
        ListAppsFailure is { } failure ? Task.FromException<IReadOnlyList<AppInfo>>(failure) : Task.FromResult<IReadOnlyList<AppInfo>>(Apps);

    public Task<Uri> LaunchAsync(WebSession session, string appName, string? awsRoleArn, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"launch {appName} {awsRoleArn}");
        return Task.FromResult(new Uri($"https://{appName}.fake.test/x-ferry-auth?token=t"));
    }

    /// <summary>What the audit search answers, by the cursor asked for (null: the first page); default: all of <see cref="Events"/>.</summary>
    public Dictionary<string, AuditEventsResponse> AuditPages { get; } = new(StringComparer.Ordinal);

    public Task<AuditEventsResponse> SearchEventsAsync(WebSession session, AuditSearch search, CancellationToken cancellationToken)
    {
        Calls.Enqueue($"audit user={search.User} type={search.Type} since={(search.Since is null ? "none" : "set")} cursor={search.Cursor ?? "none"}"
            + (search.Service is null && search.Operation is null ? "" : $" service={search.Service} operation={search.Operation}"));
        if (AuditFailure is { } failure)
        {
            return Task.FromException<AuditEventsResponse>(failure);
        }

        return Task.FromResult(AuditPages.TryGetValue(search.Cursor ?? "", out var page) ? page : new AuditEventsResponse { Events = Events });
    }

    public Task<SignupInfoResponse> GetSignupAsync(string token, CancellationToken cancellationToken) => token == "good"
        ? Task.FromResult(new SignupInfoResponse
        {
            User = SignupUser, Kind = "invite", Expires = DateTimeOffset.UtcNow.AddHours(1), OtpRequired = true,
            OtpUri = "otpauth://totp/fake.test:ann?secret=JBSWY3DPEHPK3PXP&issuer=fake.test", OtpSecret = "JBSWY3DPEHPK3PXP",
        })
        : throw FerryException.NotFound("this signup link is invalid or has expired; ask an administrator for a new one (tctl users reset NAME)");

    public Task<string> CompleteSignupAsync(string token, string password, string? otpCode, CancellationToken cancellationToken)
    {
        Calls.Enqueue("signup " + token);
        return Task.FromResult(SignupUser);
    }

    public static AppInfo App(string name, string description, IReadOnlyDictionary<string, string> labels, bool aws = true, params AwsRoleInfo[] roles) => new()
    {
        App = JsonSerializer.SerializeToElement(new
        {
            kind = "app", version = "v3",
            metadata = new { name, description, labels },
            spec = new { uri = aws ? "https://console.aws.amazon.com/" : "http://127.0.0.1:3000", public_addr = name + ".fake.test" },
        }),
        AwsConsole = aws,
        AwsRoles = roles,
        Servers = 1,
    };
}
