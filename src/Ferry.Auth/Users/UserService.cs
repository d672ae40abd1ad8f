using System.Security.Cryptography;
using Ferry.Auth.Audit;
using Ferry.Auth.Roles;
using Ferry.Auth.Storage;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Storage;

namespace Ferry.Auth.Users;

/// <summary>
/// Users and their credentials. A user and the secrets created with it land in one atomic write, so a
/// failed create leaves nothing behind. Passwords are bcrypt hashes under /credentials/, never in the user resource.
/// </summary>
public sealed class UserService
{
    private readonly ResourceStore<User> _store;
    private readonly RoleService _roles;
    private readonly AuditLog _audit;
    private readonly AuthServerOptions _options;
    private readonly TimeProvider _time;
    private readonly PasswordHasher _hasher;

    public UserService(ResourceStore<User> store, RoleService roles, AuditLog audit, AuthServerOptions options, TimeProvider time)
    {
        _store = store;
        _roles = roles;
        _audit = audit;
        _options = options;
        _time = time;
        _hasher = new PasswordHasher(options.BcryptWorkFactor);
    }

    internal PasswordHasher Hasher => _hasher;

    private IBackend Backend => _store.Backend;

    public async ValueTask<IReadOnlyList<User>> ListAsync(CancellationToken cancellationToken)
    {
        var users = await _store.ListAsync(cancellationToken);
        var result = new List<User>(users.Count);
        foreach (var user in users)
        {
            result.Add(await WithStatusAsync(user, cancellationToken));
        }

        return result;
    }

    public async ValueTask<User?> FindAsync(string name, CancellationToken cancellationToken) =>
        await _store.GetAsync(name, cancellationToken) is { } user ? await WithStatusAsync(user, cancellationToken) : null;

    public async ValueTask<User> GetAsync(string name, CancellationToken cancellationToken) =>
        await WithStatusAsync(await _store.RequireAsync(name, cancellationToken), cancellationToken);

    /// <summary>
    /// Creates a user. With a password it is usable at once (and, with second_factor otp, gets a TOTP secret
    /// returned as an otpauth URI); without one it gets a signup link valid <see cref="AuthServerOptions.SignupTokenTtl"/>.
    /// </summary>
    public async ValueTask<CreateUserResult> CreateAsync(User user, string? password, string actor, CancellationToken cancellationToken)
    {
        await _roles.RequireExistAsync(user.Spec.Roles, cancellationToken);
        var now = _time.GetUtcNow();
        user = user with { Spec = user.Spec with { CreatedBy = new UserCreatedBy { Time = now, User = actor }, Status = new UserStatus() } };
        var actions = new List<WriteAction> { new WriteAction.Put(_store.ToItem(user)) };
        SignupToken? signup = null;
        string? otpSecret = null;
        if (password is not null)
        {
            CheckPassword(password);
            actions.Add(new WriteAction.Put(Item.Create(CredentialKeys.Password(user.Name), StoredJson.Serialize(new StoredPassword(_hasher.Hash(password), now)))));
            if (_options.SecondFactor == SecondFactorMode.Otp)
            {
                otpSecret = Totp.NewSecret();
                actions.Add(new WriteAction.Put(Item.Create(CredentialKeys.Otp(user.Name), StoredJson.Serialize(new StoredOtp(otpSecret, 0)))));
            }
        }
        else
        {
            signup = NewSignupToken(user.Name, SignupKind.Invite, now);
            actions.Add(new WriteAction.Put(Item.Create(SignupToken.Key(signup.Token), StoredJson.Serialize(signup), signup.Expires)));
        }

        try
        {
            await Backend.AtomicWriteAsync([new Condition.MustNotExist(_store.KeyOf(user.Name))], actions, cancellationToken);
        }
        catch (FerryException e) when (e.Kind == ErrorKind.CompareFailed)
        {
            throw FerryException.AlreadyExists($"user \"{user.Name}\" already exists; use tctl users update to change its roles or tctl users reset to reset its password");
        }

        await _audit.EmitAsync(_audit.NewEvent(EventTypes.UserCreate, actor).Set("name", user.Name).Set("roles", user.Spec.Roles), cancellationToken);
        return new CreateUserResult(await GetAsync(user.Name, cancellationToken), signup,
            otpSecret is null ? null : Totp.OtpAuthUri(otpSecret, user.Name, _options.ClusterName));
    }

    /// <summary>
    /// The user a single sign-on login vouched for (docs/sso.md): created or updated with the mapped roles and the
    /// provider's traits, marked with its connector, and expiring with the session it starts. A local user of the same
    /// name is never taken over: it keeps its password and the login is refused.
    /// </summary>
    public async ValueTask<User> UpsertSsoAsync(string name, UserConnectorRef connector, IReadOnlyList<string> roles,
        IReadOnlyDictionary<string, IReadOnlyList<string>> traits, DateTimeOffset expires, CancellationToken cancellationToken)
    {
        await _roles.RequireExistAsync(roles, cancellationToken);
        var existing = await _store.GetAsync(name, cancellationToken);
        if (existing is { IsSso: false })
        {
            throw FerryException.AccessDenied(
                $"a local user named \"{name}\" exists, and a {connector.Type} login cannot take it over; an administrator can remove it (tctl users rm {name}) if it should log in through {connector.Id}");
        }

        var now = _time.GetUtcNow();
        var user = new User
        {
            Metadata = new ResourceMetadata { Name = name, Expires = expires },
            Spec = new UserSpec
            {
                Roles = roles,
                Traits = traits,
                CreatedBy = new UserCreatedBy { Time = existing?.Spec.CreatedBy?.Time ?? now, User = "system", Connector = connector },
            },
        };
        var stored = await _store.UpsertAsync(user, cancellationToken);
        await _audit.EmitAsync(
            _audit.NewEvent(existing is null ? EventTypes.UserCreate : EventTypes.UserUpdate, "system").Set("name", name).Set("roles", roles).Set("connector", connector.Id),
            cancellationToken);
        return stored;
    }

    /// <summary>tctl create [-f] for a user resource: roles and traits change, credentials stay.</summary>
    public async ValueTask<User> PutAsync(User user, bool force, string actor, CancellationToken cancellationToken)
    {
        await _roles.RequireExistAsync(user.Spec.Roles, cancellationToken);
        var existing = await _store.GetAsync(user.Name, cancellationToken);
        if (existing is null)
        {
            throw FerryException.BadParameter(
                $"user \"{user.Name}\" does not exist; tctl create only updates users: add it with tctl users add {user.Name} --roles={string.Join(',', user.Spec.Roles)}");
        }

        if (!force)
        {
            throw FerryException.AlreadyExists($"user \"{user.Name}\" already exists; use tctl create -f to overwrite it");
        }

        // Who created the user and when is history, not something a YAML edit can rewrite; lock state lives apart.
        var stored = await _store.UpsertAsync(user with { Spec = user.Spec with { CreatedBy = existing.Spec.CreatedBy, Status = new UserStatus() } }, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.UserUpdate, actor).Set("name", user.Name).Set("roles", user.Spec.Roles), cancellationToken);
        return await WithStatusAsync(stored, cancellationToken);
    }

    public async ValueTask<User> UpdateAsync(string name, IReadOnlyList<string>? roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits, string actor, CancellationToken cancellationToken)
    {
        var existing = await _store.RequireAsync(name, cancellationToken);
        if (roles is not null)
        {
            await _roles.RequireExistAsync(roles, cancellationToken);
        }

        var updated = existing with
        {
            Spec = existing.Spec with { Roles = roles ?? existing.Spec.Roles, Traits = traits ?? existing.Spec.Traits },
        };
        var stored = await _store.UpsertAsync(updated, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.UserUpdate, actor).Set("name", name).Set("roles", updated.Spec.Roles), cancellationToken);
        return await WithStatusAsync(stored, cancellationToken);
    }

    public async ValueTask DeleteAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await _store.DeleteAsync(name, cancellationToken);
        var (start, end) = Ferry.Storage.KeyRange.Prefix(CredentialKeys.Prefix(name));
        await Backend.DeleteRangeAsync(start, end, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.UserDelete, actor).Set("name", name), cancellationToken);
    }

    /// <summary>Clears the password, second factor and lock, and returns a reset link.</summary>
    public async ValueTask<SignupToken> ResetAsync(string name, string actor, CancellationToken cancellationToken)
    {
        if ((await _store.RequireAsync(name, cancellationToken)).IsSso)
        {
            throw FerryException.BadParameter($"user \"{name}\" logs in through single sign-on and has no password to reset; change its access at the identity provider or in the connector's mappings");
        }
        var signup = NewSignupToken(name, SignupKind.Reset, _time.GetUtcNow());
        await Backend.AtomicWriteAsync(
            [new Condition.MustExist(_store.KeyOf(name))],
            [
                new WriteAction.Delete(CredentialKeys.Password(name)),
                new WriteAction.Delete(CredentialKeys.Otp(name)),
                new WriteAction.Delete(CredentialKeys.Attempts(name)),
                new WriteAction.Delete(CredentialKeys.Lock(name)),
                new WriteAction.Put(Item.Create(SignupToken.Key(signup.Token), StoredJson.Serialize(signup), signup.Expires)),
            ],
            cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.ResetPasswordTokenCreate, actor).Set("name", name), cancellationToken);
        return signup;
    }

    public async ValueTask<SignupInfo> GetSignupAsync(string token, CancellationToken cancellationToken)
    {
        var signup = await RequireSignupAsync(token, cancellationToken);
        var uri = signup.OtpSecret is null ? null : Totp.OtpAuthUri(signup.OtpSecret, signup.User, _options.ClusterName);
        return new SignupInfo(signup.User, signup.Kind, signup.Expires, signup.OtpSecret is not null, uri, signup.OtpSecret);
    }

    /// <summary>Sets the password (and enrols TOTP when required) and burns the link, all in one write.</summary>
    public async ValueTask<string> CompleteSignupAsync(string token, string password, string? otpCode, CancellationToken cancellationToken)
    {
        var signup = await RequireSignupAsync(token, cancellationToken);
        CheckPassword(password);
        var now = _time.GetUtcNow();
        var actions = new List<WriteAction>
        {
            new WriteAction.Put(Item.Create(CredentialKeys.Password(signup.User), StoredJson.Serialize(new StoredPassword(_hasher.Hash(password), now)))),
            new WriteAction.Delete(SignupToken.Key(token)),
        };
        if (signup.OtpSecret is not null)
        {
            if (string.IsNullOrWhiteSpace(otpCode))
            {
                throw FerryException.BadParameter("a second factor is required: scan the QR code with an authenticator app and enter the 6-digit code it shows");
            }

            var step = Totp.Verify(signup.OtpSecret, otpCode.Trim(), now, 0)
                ?? throw FerryException.BadParameter("the authenticator code is wrong; check the device clock and enter the current 6-digit code");
            actions.Add(new WriteAction.Put(Item.Create(CredentialKeys.Otp(signup.User), StoredJson.Serialize(new StoredOtp(signup.OtpSecret, step)))));
        }

        await Backend.AtomicWriteAsync(
            [new Condition.MustExist(SignupToken.Key(token)), new Condition.MustExist(_store.KeyOf(signup.User))], actions, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.UserPasswordChange, signup.User), cancellationToken);
        return signup.User;
    }

    /// <summary>A signup link on the proxies' public address (<see cref="Hosts.HostService.ProxyPublicAddrAsync"/>).</summary>
    public static string SignupUrl(SignupToken token, string? proxyPublicAddr)
    {
        var address = proxyPublicAddr ?? "localhost:3080";
        var path = token.Kind == SignupKind.Invite ? "invite" : "reset";
        return $"https://{address}/web/{path}/{token.Token}";
    }

    private async ValueTask<SignupToken> RequireSignupAsync(string token, CancellationToken cancellationToken)
    {
        var item = string.IsNullOrEmpty(token) || token.Length > 128 ? null : await Backend.GetAsync(SignupToken.Key(token), cancellationToken);
        return item is null
            ? throw FerryException.NotFound("this signup link is invalid or has expired; ask an administrator for a new one (tctl users reset NAME)")
            : StoredJson.Deserialize<SignupToken>(item.Value);
    }

    private SignupToken NewSignupToken(string user, SignupKind kind, DateTimeOffset now) => new()
    {
        Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)),
        User = user,
        Kind = kind,
        Expires = now + _options.SignupTokenTtl,
        OtpSecret = _options.SecondFactor == SecondFactorMode.Otp ? Totp.NewSecret() : null,
    };

    private void CheckPassword(string password)
    {
        if (password.Length < _options.MinPasswordLength)
        {
            throw FerryException.BadParameter($"the password is too short: use at least {_options.MinPasswordLength} characters");
        }

        if (password.Length > 72)
        {
            // bcrypt silently ignores bytes past 72; refuse rather than pretend they count.
            throw FerryException.BadParameter("the password is too long: use at most 72 characters");
        }
    }

    private async ValueTask<User> WithStatusAsync(User user, CancellationToken cancellationToken)
    {
        var item = await Backend.GetAsync(CredentialKeys.Lock(user.Name), cancellationToken);
        if (item is null)
        {
            return user;
        }

        var userLock = StoredJson.Deserialize<UserLock>(item.Value);
        return user with
        {
            Spec = user.Spec with
            {
                Status = new UserStatus { IsLocked = true, LockedMessage = userLock.Reason, LockExpires = userLock.Until, LockedTime = userLock.Until - _options.LockDuration },
            },
        };
    }
}

public sealed record CreateUserResult(User User, SignupToken? Signup, string? OtpUri);
