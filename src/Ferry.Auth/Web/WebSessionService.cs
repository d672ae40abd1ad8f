using System.Security.Cryptography.X509Certificates;
using Ferry.Auth.Apps;
using Ferry.Auth.Audit;
using Ferry.Auth.Roles;
using Ferry.Auth.Storage;
using Ferry.Auth.Users;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Core.Security;
using Ferry.Storage;

namespace Ferry.Auth.Web;

/// <summary>
/// Browser sessions. A sign-in checks the password (and TOTP) exactly as tsh login does and stores a session
/// holding the user certificate the proxy forwards when it acts for that browser. The browser holds
/// "id.secret"; only the secret's hash is stored, so reading the backend does not give anyone a session.
/// </summary>
public sealed class WebSessionService
{
    public const string Prefix = "/web_sessions/";

    private readonly LoginService _login;
    private readonly RoleService _roles;
    private readonly IBackend _backend;
    private readonly AuditLog _audit;

    public WebSessionService(LoginService login, RoleService roles, IBackend backend, AuditLog audit)
    {
        _login = login;
        _roles = roles;
        _backend = backend;
        _audit = audit;
    }

    public async ValueTask<CreateWebSessionResponse> CreateAsync(CreateWebSessionRequest request, string? remoteAddr, CancellationToken cancellationToken)
    {
        var login = await _login.LoginAsync(
            new LoginRequest { User = request.User, Password = request.Password, OtpCode = request.OtpCode, PublicKey = request.PublicKey },
            remoteAddr,
            cancellationToken);
        return await CreateFromLoginAsync(login, cancellationToken);
    }

    /// <summary>A browser session holding a certificate just issued (by a password login, or a single sign-on login).</summary>
    public async ValueTask<CreateWebSessionResponse> CreateFromLoginAsync(LoginResponse login, CancellationToken cancellationToken)
    {
        using var certificate = X509Certificate2.CreateFromPem(login.CertPem);
        var identity = IdentityCodec.Decode(certificate);
        var roleSet = await _roles.RoleSetAsync(identity.Roles, identity.Traits, cancellationToken);
        var secret = Secrets.New();
        var record = new WebSessionRecord
        {
            Id = Guid.NewGuid().ToString(),
            User = identity.Username,
            Roles = identity.Roles,
            SecretHash = Secrets.Hash(secret),
            CsrfToken = Secrets.New(),
            CertPem = login.CertPem,
            Expires = login.Expires,
            CanReadAudit = roleSet.CheckAccessToRule(ResourceKinds.Event, Verbs.List),
        };
        await _backend.CreateAsync(Item.Create(Prefix + record.Id, StoredJson.Serialize(record), record.Expires), cancellationToken);
        return new CreateWebSessionResponse { Session = record, Secret = secret };
    }

    public async ValueTask<IReadOnlyList<WebSessionRecord>> ListAsync(CancellationToken cancellationToken)
    {
        var (start, end) = KeyRange.Prefix(Prefix);
        return (await _backend.GetRangeAsync(start, end, 0, cancellationToken)).Select(i => StoredJson.Deserialize<WebSessionRecord>(i.Value)).ToList();
    }

    public async ValueTask<WebSessionRecord> GetAsync(string id, CancellationToken cancellationToken)
    {
        var item = await _backend.GetAsync(Prefix + id, cancellationToken) ?? throw FerryException.NotFound("web session not found");
        return StoredJson.Deserialize<WebSessionRecord>(item.Value);
    }

    /// <summary>Signs a browser out: the web session and every app session launched from it end together.</summary>
    public async ValueTask DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var item = await _backend.GetAsync(Prefix + id, cancellationToken)
            ?? throw FerryException.NotFound("web session not found");
        var record = StoredJson.Deserialize<WebSessionRecord>(item.Value);
        var (start, end) = KeyRange.Prefix(AppSessionService.KeyPrefix);
        var children = (await _backend.GetRangeAsync(start, end, 0, cancellationToken))
            .Where(i => StoredJson.Deserialize<AppSessionInfo>(i.Value).WebSessionId == id)
            .Select(i => (WriteAction)new WriteAction.Delete(i.Key));
        await _backend.AtomicWriteAsync([], [new WriteAction.Delete(Prefix + id), .. children], cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.UserLogout, record.User).Set("method", "web"), cancellationToken);
    }
}
