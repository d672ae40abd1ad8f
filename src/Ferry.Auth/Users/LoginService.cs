using System.Globalization;
using Ferry.Auth.Audit;
using Ferry.Auth.Authorities;
using Ferry.Auth.Roles;
using Ferry.Auth.Storage;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Hosting.Callers;
using Ferry.Core.Resources;
using Ferry.Storage;

namespace Ferry.Auth.Users;

/// <summary>
/// Password (+ TOTP) login ending in a short-lived user certificate. Wrong credentials never say which part
/// was wrong or whether the user exists; repeated failures lock the name for a while (audited).
///
/// One attempt, in order (docs/architecture.md, "Users and logins"):
/// <code>
///  1. address throttle (memory)   over its failures → LimitExceeded "throttled", no bcrypt
///  2. admission (backend)         take a failure slot for the name (user or unknown name), atomically;
///                                 locked or no slot left → one dummy bcrypt, AccessDenied "locked"
///                                 (slots held by attempts still being checked: wait for them a few seconds)
///  3. password, then TOTP         exactly one bcrypt (the dummy hash for unknown users)
///  4. failure                     slot stays counted; the last slot's failure writes the lock
///     success                     count cleared, throttle slot given back, certificate issued
/// </code>
/// Every attempt leaves one user.login event whose error says what happened: evaluated guesses say "bad password",
/// "bad second factor" or "unknown user"; refusals that checked nothing say "locked", "throttled" or "busy".
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
    private readonly LoginAttemptCounter _attempts;
    private readonly LoginThrottle _throttle;

    private readonly ICallerGate _locks;

    /// <param name="locks">Administrators' locks (tctl lock) and revocations: a locked user gets no certificate.</param>
    public LoginService(UserService users, RoleService roles, CertIssuer issuer, AuditLog audit, AuthServerOptions options, TimeProvider time, IBackend backend, ICallerGate locks)
    {
        _locks = locks;
        _users = users;
        _roles = roles;
        _issuer = issuer;
        _audit = audit;
        _options = options;
        _time = time;
        _backend = backend;
        _attempts = new LoginAttemptCounter(backend, options, time);
        _throttle = new LoginThrottle(options.LoginThrottleMaxFailures, options.LoginThrottleWindow, options.LoginThrottleMaxAddresses);
    }

    internal LoginThrottle Throttle => _throttle;

    public async ValueTask<LoginResponse> LoginAsync(LoginRequest request, string? remoteAddr, CancellationToken cancellationToken)
    {
        CertIssuer.ParsePublicKey(request.PublicKey); // bad input fails before any secret is checked
        var now = _time.GetUtcNow();
        var name = request.User ?? "";
        if (!_throttle.TryReserve(remoteAddr, now, out var slot, out var retryAt))
        {
            await EmitFailureAsync(name, remoteAddr, "throttled", cancellationToken);
            throw FerryException.LimitExceeded(
                $"too many failed login attempts from your address; wait until {retryAt.UtcDateTime.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} UTC " +
                $"({Math.Max(1, (int)Math.Ceiling((retryAt - now).TotalSeconds))} s) and try again");
        }

        try
        {
            var response = await AttemptAsync(request, name, remoteAddr, now, cancellationToken);
            _throttle.Release(slot);
            return response;
        }
        catch (Exception e) when (e is not FerryException { Kind: ErrorKind.AccessDenied })
        {
            // Not a failed login (the backend was unavailable, say): it costs the address nothing.
            _throttle.Release(slot);
            throw;
        }
    }

    private async ValueTask<LoginResponse> AttemptAsync(LoginRequest request, string name, string? remoteAddr, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var password = request.Password ?? "";
        var user = string.IsNullOrWhiteSpace(name) ? null : await _users.FindAsync(name, cancellationToken);
        var keys = user is null ? LoginAttemptKeys.ForUnknownName(name) : LoginAttemptKeys.ForUser(user.Name);
        var admission = await AdmitAsync(keys, cancellationToken);
        if (admission.PendingId is not { } pendingId)
        {
            // The refusal costs one bcrypt like a checked attempt, so its timing tells nothing; the result is ignored.
            _users.Hasher.Verify(password, null);
            await EmitFailureAsync(name, remoteAddr, admission.IsBusy ? "busy" : "locked", cancellationToken);
            throw admission.IsBusy
                ? FerryException.LimitExceeded("other logins with this user name are being checked right now; try again in a few seconds")
                : LockedError(name, admission.LockedUntil, _time.GetUtcNow());
        }

        var passwordItem = user is null ? null : await _backend.GetAsync(CredentialKeys.Password(user.Name), cancellationToken);
        var hash = passwordItem is null ? null : StoredJson.Deserialize<StoredPassword>(passwordItem.Value).Hash;
        var passwordOk = _users.Hasher.Verify(password, hash);
        var otpOk = passwordOk && user is not null && await CheckSecondFactorAsync(user.Name, request.OtpCode, now, cancellationToken);
        if (user is null || !passwordOk || !otpOk)
        {
            var reason = user is null ? "unknown user" : !passwordOk ? "bad password" : "bad second factor";
            await EmitFailureAsync(name, remoteAddr, reason, cancellationToken);
            if (await _attempts.RecordFailureAsync(keys, pendingId, cancellationToken) is { } userLock && user is not null)
            {
                // Unknown names lock the same way, but only real users' locks are events an auditor acts on.
                await _audit.EmitAsync(
                    _audit.NewEvent(EventTypes.UserLocked, "system").Set("name", user.Name).Set("reason", userLock.Reason).Set("expires", userLock.Until),
                    cancellationToken);
            }

            throw FerryException.AccessDenied(InvalidCredentials);
        }

        await _attempts.ClearAsync(keys, pendingId, cancellationToken);
        return await IssueAsync(request, user, remoteAddr, now, cancellationToken);
    }

    /// <summary>
    /// The one place that decides whether this name may try a password at all: a lock, or every failure slot taken,
    /// refuses it; otherwise the attempt holds a slot. Further reasons to refuse (administrator locks, tctl lock) belong
    /// here, before the slot is taken.
    /// </summary>
    private ValueTask<LoginAdmission> AdmitAsync(LoginAttemptKeys keys, CancellationToken cancellationToken) =>
        _attempts.ReserveAsync(keys, cancellationToken);

    /// <summary>The same words for a locked user and for an unknown name past the limit, so neither says the user exists.</summary>
    private static FerryException LockedError(string name, DateTimeOffset until, DateTimeOffset now)
    {
        // Rounded up to the minute, so "after 12:31" is never too early.
        var ticks = until.UtcTicks;
        var remainder = ticks % TimeSpan.TicksPerMinute;
        var at = new DateTime(remainder == 0 ? ticks : ticks - remainder + TimeSpan.TicksPerMinute, DateTimeKind.Utc);
        var format = at.Date == now.UtcDateTime.Date ? "HH:mm" : "yyyy-MM-dd HH:mm";
        // A typed name that breaks the user-name rules (src/Ferry.Core/Resources/Codec/ResourceNames.cs) cannot be a user,
        // so leaving it out tells nothing, and no control character or megabyte of text is echoed to a terminal.
        var shown = name.Length is > 0 and <= 255 && !name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c == '/') ? name : "NAME";
        return FerryException.AccessDenied(
            $"too many failed login attempts for this user; try again after {at.ToString(format, CultureInfo.InvariantCulture)} UTC " +
            $"or ask an administrator to run tctl users reset {shown}");
    }

    private ValueTask<LoginResponse> IssueAsync(LoginRequest request, User user, string? remoteAddr, DateTimeOffset now, CancellationToken cancellationToken) =>
        IssueAsync(user, request.PublicKey, request.Ttl, null, remoteAddr, now, e => e.Set("method", "local"), cancellationToken);

    /// <summary>
    /// The certificate for a user a single sign-on connector vouched for (docs/sso.md): same lifetime rules and lock
    /// check as a password login, also capped by <paramref name="sessionEnds"/> when the identity provider set one.
    /// </summary>
    internal ValueTask<LoginResponse> IssueForSsoAsync(
        User user, string publicKey, TimeSpan? ttl, DateTimeOffset? sessionEnds, string? remoteAddr, Action<AuditEvent> describe, CancellationToken cancellationToken)
    {
        CertIssuer.ParsePublicKey(publicKey);
        return IssueAsync(user, publicKey, ttl, sessionEnds, remoteAddr, _time.GetUtcNow(), describe, cancellationToken);
    }

    private async ValueTask<LoginResponse> IssueAsync(
        User user, string publicKey, TimeSpan? ttl, DateTimeOffset? notAfter, string? remoteAddr, DateTimeOffset now, Action<AuditEvent> describe, CancellationToken cancellationToken)
    {
        var roleSet = await _roles.RoleSetAsync(user.Spec.Roles, user.Spec.Traits, cancellationToken);
        var requested = ttl is { } t && t > TimeSpan.Zero ? t : _options.DefaultUserCertTtl;
        var granted = requested < roleSet.MaxSessionTtl ? requested : roleSet.MaxSessionTtl;
        var expires = now + granted;
        if (notAfter is { } limit && limit < expires)
        {
            expires = limit;
        }

        var identity = new FerryIdentity
        {
            Kind = IdentityKind.User,
            Username = user.Name,
            Roles = user.Spec.Roles,
            Traits = user.Spec.Traits,
            Expires = expires,
            ClusterName = _issuer.ClusterName,
        };
        // An administrator's lock is checked once the credentials are right: its message is for the user, not for anyone
        // who types the name. (A revocation covers only certificates issued before it, so it never refuses a new login.)
        if (_locks.Refusal(identity with { Issued = now }) is { } locked)
        {
            var failure = _audit.NewEvent(EventTypes.UserLogin, user.Name, success: false, error: locked.Message).Set("addr.remote", remoteAddr);
            describe(failure);
            await _audit.EmitAsync(failure, cancellationToken);
            locked.Data[AuditLog.AuditedKey] = true;
            throw locked;
        }

        using var certificate = _issuer.IssueUser(publicKey, identity);
        var success = _audit.NewEvent(EventTypes.UserLogin, user.Name).Set("addr.remote", remoteAddr).Set("expires", identity.Expires);
        describe(success);
        await _audit.EmitAsync(success, cancellationToken);
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

    private ValueTask EmitFailureAsync(string user, string? remoteAddr, string reason, CancellationToken cancellationToken) =>
        _audit.EmitAsync(_audit.NewEvent(EventTypes.UserLogin, user, success: false, error: reason).Set("method", "local").Set("addr.remote", remoteAddr), cancellationToken);
}
