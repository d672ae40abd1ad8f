using Ferry.Core.Rbac;
using Ferry.Auth.Audit;
using Ferry.Auth.Authorities;
using Ferry.Auth.Roles;
using Ferry.Auth.Storage;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Storage;

namespace Ferry.Auth.Users;

/// <summary>
/// Password (+ TOTP) login ending in a short-lived user certificate. Wrong credentials never say which part
/// was wrong or whether the user exists; repeated failures lock the user for a while (audited).
/// </summary>
public sealed class LoginService
{
    private const string InvalidCredentials = "invalid user name, password or second factor code; check them and try again";

    private readonly UserService _users;
    private readonly RoleService _roles;
    private readonly CertIssuer _issuer;
    private readonly AuditLog _audit;
    private readonly AuthServerOptions _options;
    private readonly TimeProvider _time;
    private readonly IBackend _backend;

    public LoginService(UserService users, RoleService roles, CertIssuer issuer, AuditLog audit, AuthServerOptions options, TimeProvider time, IBackend backend)
    {
        _users = users;
        _roles = roles;
        _issuer = issuer;
        _audit = audit;
        _options = options;
        _time = time;
        _backend = backend;
    }

    public async ValueTask<LoginResponse> LoginAsync(LoginRequest request, string? remoteAddr, CancellationToken cancellationToken)
    {
        CertIssuer.ParsePublicKey(request.PublicKey); // bad input fails before any secret is checked
        var now = _time.GetUtcNow();
        var user = string.IsNullOrWhiteSpace(request.User) ? null : await _users.FindAsync(request.User, cancellationToken);

        if (user is not null && await ActiveLockAsync(user.Name, now, cancellationToken) is { } userLock)
        {
            await EmitFailureAsync(request.User, remoteAddr, "user is locked", cancellationToken);
            throw FerryException.AccessDenied(
                $"user \"{user.Name}\" is locked until {userLock.Until:u} after too many failed login attempts; " +
                $"wait, or ask an administrator to run: tctl users reset {user.Name}");
        }

        var passwordItem = user is null ? null : await _backend.GetAsync(CredentialKeys.Password(user.Name), cancellationToken);
        var hash = passwordItem is null ? null : StoredJson.Deserialize<StoredPassword>(passwordItem.Value).Hash;
        var passwordOk = _users.Hasher.Verify(request.Password ?? "", hash);
        var otpOk = passwordOk && user is not null && await CheckSecondFactorAsync(user.Name, request.OtpCode, now, cancellationToken);
        if (user is null || !passwordOk || !otpOk)
        {
            var reason = user is null ? "unknown user" : !passwordOk ? "bad password" : "bad second factor";
            if (user is not null)
            {
                await RecordFailureAsync(user.Name, now, cancellationToken);
            }

            await EmitFailureAsync(request.User ?? "", remoteAddr, reason, cancellationToken);
            throw FerryException.AccessDenied(InvalidCredentials);
        }

        await _backend.AtomicWriteAsync([], [new WriteAction.Delete(CredentialKeys.Attempts(user.Name))], cancellationToken);
        var roleSet = await _roles.RoleSetAsync(user.Spec.Roles, user.Spec.Traits, cancellationToken);
        var requested = request.Ttl is { } ttl && ttl > TimeSpan.Zero ? ttl : _options.DefaultUserCertTtl;
        var granted = requested < roleSet.MaxSessionTtl ? requested : roleSet.MaxSessionTtl;
        var identity = new FerryIdentity
        {
            Kind = IdentityKind.User,
            Username = user.Name,
            Roles = user.Spec.Roles,
            Traits = user.Spec.Traits,
            Expires = now + granted,
            ClusterName = _issuer.ClusterName,
        };
        using var certificate = _issuer.IssueUser(request.PublicKey, identity);
        await _audit.EmitAsync(
            _audit.NewEvent(EventTypes.UserLogin, user.Name).Set("method", "local").Set("addr.remote", remoteAddr).Set("expires", identity.Expires),
            cancellationToken);
        return new LoginResponse
        {
            Username = user.Name,
            ClusterName = _issuer.ClusterName,
            CertPem = certificate.ExportCertificatePem(),
            UserCaPem = _issuer.Authorities.User.CertificatePem,
            HostCaPem = _issuer.Authorities.Host.CertificatePem,
            Expires = new DateTimeOffset(certificate.NotAfter.ToUniversalTime()),
        };
    }

    private async ValueTask<bool> CheckSecondFactorAsync(string user, string? code, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_options.SecondFactor == SecondFactorMode.Off)
        {
            return true;
        }

        var item = await _backend.GetAsync(CredentialKeys.Otp(user), cancellationToken);
        if (item is null || string.IsNullOrWhiteSpace(code))
        {
            return false;
        }

        var otp = StoredJson.Deserialize<StoredOtp>(item.Value);
        if (Totp.Verify(otp.Secret, code.Trim(), now, otp.LastUsedStep) is not { } step)
        {
            return false;
        }

        try
        {
            // Compare-and-swap so that two logins racing with the same code cannot both pass.
            await _backend.CompareAndSwapAsync(item, Item.Create(item.Key, StoredJson.Serialize(otp with { LastUsedStep = step })), cancellationToken);
            return true;
        }
        catch (FerryException e) when (e.Kind is ErrorKind.CompareFailed or ErrorKind.NotFound)
        {
            return false;
        }
    }

    private async ValueTask<UserLock?> ActiveLockAsync(string user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var item = await _backend.GetAsync(CredentialKeys.Lock(user), cancellationToken);
        if (item is null)
        {
            return null;
        }

        var userLock = StoredJson.Deserialize<UserLock>(item.Value);
        return userLock.Until > now ? userLock : null;
    }

    private async ValueTask RecordFailureAsync(string user, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var item = await _backend.GetAsync(CredentialKeys.Attempts(user), cancellationToken);
        var failures = item is null ? [] : StoredJson.Deserialize<LoginAttempts>(item.Value).Failures.Where(t => t > now - _options.LoginAttemptWindow).ToList();
        failures.Add(now);
        if (failures.Count >= _options.MaxLoginAttempts)
        {
            var userLock = new UserLock(now + _options.LockDuration, $"{failures.Count} failed login attempts");
            await _backend.AtomicWriteAsync(
                [],
                [
                    new WriteAction.Put(Item.Create(CredentialKeys.Lock(user), StoredJson.Serialize(userLock), userLock.Until)),
                    new WriteAction.Delete(CredentialKeys.Attempts(user)),
                ],
                cancellationToken);
            await _audit.EmitAsync(
                _audit.NewEvent(EventTypes.UserLocked, "system").Set("name", user).Set("reason", userLock.Reason).Set("expires", userLock.Until),
                cancellationToken);
            return;
        }

        await _backend.PutAsync(
            Item.Create(CredentialKeys.Attempts(user), StoredJson.Serialize(new LoginAttempts(failures)), now + _options.LoginAttemptWindow),
            cancellationToken);
    }

    private ValueTask EmitFailureAsync(string user, string? remoteAddr, string reason, CancellationToken cancellationToken) =>
        _audit.EmitAsync(_audit.NewEvent(EventTypes.UserLogin, user, success: false, error: reason).Set("method", "local").Set("addr.remote", remoteAddr), cancellationToken);
}
