using Ferry.Core.Api;

namespace Ferry.Proxy.WebSessions;

/// <summary>
/// Everything the web UI does on behalf of a signed-in person, behind one seam: the pages call this and never
/// auth directly. Failures are FerryExceptions whose messages are fit to show (they say what to do next).
/// </summary>
public interface IWebPortal
{
    /// <summary>What the sign-in page needs to know (is a TOTP code required?).</summary>
    PingResponse Ping { get; }

    /// <summary>Password (+ TOTP) sign-in. Returns the new session; the caller sets <see cref="WebSession.CookieValue"/> as the session cookie.</summary>
    Task<WebSession> SignInAsync(string user, string password, string? otpCode, string? remoteAddr, CancellationToken cancellationToken);

    /// <summary>The single sign-on connectors, for the sign-in page's buttons.</summary>
    Task<SsoConnectorsResponse> ListConnectorsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Starts a browser login through a connector; returns the identity provider's URL. <paramref name="browserBinding"/>
    /// is the random value this browser holds in its sign-in cookie: the answer is accepted only with it.
    /// </summary>
    Task<Uri> StartSsoAsync(string kind, string connector, string? returnTo, string browserBinding, string? remoteAddr, CancellationToken cancellationToken);

    /// <summary>The identity provider's answer: a tsh listener to send the browser to, or this browser's new session.</summary>
    Task<SsoOutcome> CompleteSsoAsync(string kind, string? connector, IReadOnlyDictionary<string, string> parameters, string? browserBinding, string? remoteAddr,
        CancellationToken cancellationToken);

    /// <summary>The live session a cookie value names, or null (unknown, expired or signed out).</summary>
    Task<WebSession?> FindSessionAsync(string? cookieValue, CancellationToken cancellationToken);

    /// <summary>Ends the web session and every app session started from it.</summary>
    Task SignOutAsync(WebSession session, CancellationToken cancellationToken);

    /// <summary>The apps this user may see, each with the IAM roles they may pick (sorted by role name).</summary>
    Task<IReadOnlyList<AppInfo>> ListAppsAsync(WebSession session, CancellationToken cancellationToken);

    /// <summary>
    /// Starts an app session for the chosen IAM role (RBAC checked and audited by auth) and returns the absolute URL
    /// to send the browser to: the app's own host, where a one-time token is exchanged for the app cookie.
    /// </summary>
    Task<Uri> LaunchAsync(WebSession session, string appName, string? awsRoleArn, CancellationToken cancellationToken);

    /// <summary>One page of audit events, newest first, for users whose roles allow listing events (auditor, editor).</summary>
    Task<AuditEventsResponse> SearchEventsAsync(WebSession session, AuditSearch search, CancellationToken cancellationToken);

    /// <summary>The signup/reset link's details (user, whether TOTP enrolment is needed and its otpauth URI).</summary>
    Task<SignupInfoResponse> GetSignupAsync(string token, CancellationToken cancellationToken);

    /// <summary>Sets the password (and enrols TOTP) for a signup/reset link; returns the user name.</summary>
    Task<string> CompleteSignupAsync(string token, string password, string? otpCode, CancellationToken cancellationToken);
}

/// <summary>A signed-in browser. <see cref="CsrfToken"/> must accompany every state-changing request of this session.</summary>
public sealed record WebSession
{
    public required string Id { get; init; }
    public required string User { get; init; }
    public required IReadOnlyList<string> Roles { get; init; }
    public required DateTimeOffset Expires { get; init; }
    /// <summary>The secret to put in the session cookie (never logged).</summary>
    public required string CookieValue { get; init; }
    public required string CsrfToken { get; init; }
    /// <summary>Whether the user's roles allow reading the audit log (shows the Audit link).</summary>
    public bool CanReadAudit { get; init; }
}

/// <summary>The end of a single sign-on login: either <see cref="ClientRedirect"/> (tsh) or <see cref="Session"/> (this browser).</summary>
public sealed record SsoOutcome(Uri? ClientRedirect, WebSession? Session, string? ReturnTo);

public sealed record AuditSearch
{
    public DateTimeOffset? Since { get; init; }
    public string? Type { get; init; }
    public string? User { get; init; }
    /// <summary>An AWS service, checked and lowercased (AwsAuditFilters.Service), or null for any.</summary>
    public string? Service { get; init; }
    /// <summary>An AWS operation, checked (AwsAuditFilters.Operation), or null for any.</summary>
    public string? Operation { get; init; }
    public int Limit { get; init; } = 200;
    /// <summary>The NextCursor of the page before (older events), or null for the newest.</summary>
    public string? Cursor { get; init; }
}
