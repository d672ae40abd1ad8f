using System.Security.Cryptography;
using Ferry.Auth.Audit;
using Ferry.Auth.Storage;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;

namespace Ferry.Auth.Tokens;

/// <summary>Join tokens: short-lived secrets that let a new host (an app agent) obtain a host certificate.</summary>
public sealed class TokenService
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(7);

    private readonly ResourceStore<ProvisionToken> _store;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;

    public TokenService(ResourceStore<ProvisionToken> store, AuditLog audit, TimeProvider time)
    {
        _store = store;
        _audit = audit;
        _time = time;
    }

    public ValueTask<IReadOnlyList<ProvisionToken>> ListAsync(CancellationToken cancellationToken) => _store.ListAsync(cancellationToken);

    /// <summary>Creates a token for the given system roles; a value is generated unless the caller supplies one.</summary>
    public async ValueTask<ProvisionToken> CreateAsync(IReadOnlyList<string> roles, TimeSpan? ttl, string? value, IReadOnlyDictionary<string, string>? labels, string actor, CancellationToken cancellationToken)
    {
        if (roles.Count == 0 || roles.Any(r => !SystemRoles.JoinableRoles.Contains(r, StringComparer.Ordinal)))
        {
            throw FerryException.BadParameter($"token roles must be one or more of: {string.Join(", ", SystemRoles.JoinableRoles)} (tctl tokens add --type=app)");
        }

        var lifetime = ttl ?? DefaultTtl;
        if (lifetime <= TimeSpan.Zero || lifetime > MaxTtl)
        {
            throw FerryException.BadParameter($"token ttl must be between 1s and {MaxTtl.TotalHours:0}h; got {lifetime}");
        }

        if (value is not null && (value.Length < 16 || value.Length > 128 || value.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_')))
        {
            throw FerryException.BadParameter("--value must be 16 to 128 characters of letters, digits, '-' or '_'");
        }

        var token = new ProvisionToken
        {
            Metadata = new ResourceMetadata
            {
                Name = value ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Expires = _time.GetUtcNow() + lifetime,
                Labels = labels ?? new Dictionary<string, string>(),
            },
            Spec = new ProvisionTokenSpec { Roles = roles, JoinMethod = "token" },
        };
        var stored = await _store.CreateAsync(token, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.TokenCreate, actor).Set("roles", roles).Set("expires", token.Metadata.Expires), cancellationToken);
        return stored;
    }

    public async ValueTask<ProvisionToken> UpsertAsync(ProvisionToken token, bool force, string actor, CancellationToken cancellationToken)
    {
        var stored = force ? await _store.UpsertAsync(token, cancellationToken) : await _store.CreateAsync(token, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.TokenCreate, actor).Set("roles", token.Spec.Roles).Set("expires", token.Metadata.Expires), cancellationToken);
        return stored;
    }

    public async ValueTask DeleteAsync(string value, string actor, CancellationToken cancellationToken)
    {
        await _store.DeleteAsync(value, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.TokenDelete, actor), cancellationToken);
    }

    /// <summary>
    /// The token if it exists, is unexpired and grants <paramref name="role"/>. Expired tokens are already invisible
    /// (storage expiry); the message is the same for unknown and expired ones so a guess learns nothing.
    /// </summary>
    public async ValueTask<ProvisionToken> ValidateAsync(string value, string role, CancellationToken cancellationToken)
    {
        var token = string.IsNullOrWhiteSpace(value) || value.Length > 128 ? null : await _store.GetAsync(value.Trim(), cancellationToken);
        if (token is null || token.Metadata.Expires is { } expires && expires <= _time.GetUtcNow())
        {
            throw FerryException.AccessDenied(
                "the join token is unknown or has expired; create a new one on the auth server with: tctl tokens add --type=app, then put it in join_params.token_name");
        }

        if (!token.Spec.Roles.Contains(role, StringComparer.Ordinal))
        {
            throw FerryException.AccessDenied($"the join token does not allow joining as {role}; create one with tctl tokens add --type={role.ToLowerInvariant()}");
        }

        return token;
    }
}
