using System.Security.Cryptography;
using Ferry.Auth.Audit;
using Ferry.Auth.Storage;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Auth.Tokens;

/// <summary>
/// Join tokens: short-lived secrets that let a new host (an app agent, a proxy) obtain a host identity. Every way a
/// token is made (tctl tokens add, tctl create -f token.yaml) passes the same checks: a lifetime within
/// <see cref="MaxTtl"/>, a value with enough entropy, joinable roles, and for App tokens the apps they allow.
/// </summary>
public sealed class TokenService
{
    public static readonly TimeSpan DefaultTtl = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan MaxTtl = TimeSpan.FromDays(7);

    /// <summary>A chosen value must be at least this long: 16 characters of [A-Za-z0-9_-] carry ~95 bits.</summary>
    public const int MinValueLength = 16;

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
    public async ValueTask<ProvisionToken> CreateAsync(
        IReadOnlyList<string> roles, TimeSpan? ttl, string? value, IReadOnlyDictionary<string, string>? labels, IReadOnlyList<string>? appNames,
        string actor, CancellationToken cancellationToken)
    {
        var lifetime = ttl ?? DefaultTtl;
        CheckTtl(lifetime);
        var token = new ProvisionToken
        {
            Metadata = new ResourceMetadata
            {
                Name = value ?? Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
                Expires = _time.GetUtcNow() + lifetime,
                Labels = labels ?? new Dictionary<string, string>(),
            },
            Spec = new ProvisionTokenSpec { Roles = roles, JoinMethod = "token", AppNames = appNames ?? [] },
        };
        Check(token);
        var stored = await _store.CreateAsync(token, cancellationToken);
        await EmitCreatedAsync(stored, actor, cancellationToken);
        return stored;
    }

    /// <summary>tctl create [-f] token.yaml: the same checks as tctl tokens add; a token without an expiry gets the default one.</summary>
    public async ValueTask<ProvisionToken> UpsertAsync(ProvisionToken token, bool force, string actor, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var expires = token.Metadata.Expires ?? now + DefaultTtl;
        CheckTtl(expires - now);
        token = token with { Metadata = token.Metadata with { Expires = expires } };
        Check(token);
        var stored = force ? await _store.UpsertAsync(token, cancellationToken) : await _store.CreateAsync(token, cancellationToken);
        await EmitCreatedAsync(stored, actor, cancellationToken);
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
                $"the join token is unknown or has expired; create a new one on the auth server with: tctl tokens add --type={role.ToLowerInvariant()}, then put it in join_params.token_name");
        }

        if (!token.Spec.Roles.Contains(role, StringComparer.Ordinal))
        {
            throw FerryException.AccessDenied($"the join token does not allow joining as {role}; create one with tctl tokens add --type={role.ToLowerInvariant()}");
        }

        return token;
    }

    private static void CheckTtl(TimeSpan lifetime)
    {
        if (lifetime <= TimeSpan.Zero || lifetime > MaxTtl)
        {
            throw FerryException.BadParameter($"token ttl must be between 1s and {MaxTtl.TotalHours:0}h; got {lifetime}");
        }
    }

    /// <summary>Entropy, roles and app names, with the codec's rules (the same as a token file's).</summary>
    private static void Check(ProvisionToken token)
    {
        var value = token.Metadata.Name;
        if (value.Length < MinValueLength || value.Length > 128 || value.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not '-' and not '_'))
        {
            throw FerryException.BadParameter(
                $"a token value must be {MinValueLength} to 128 characters of letters, digits, '-' or '_' (it is a secret: leave it out to get a random one)");
        }

        if (token.Spec.Roles.Count == 0 || token.Spec.Roles.Any(r => !SystemRoles.JoinableRoles.Contains(r, StringComparer.Ordinal)))
        {
            throw FerryException.BadParameter($"token roles must be one or more of: {string.Join(", ", SystemRoles.JoinableRoles)} (tctl tokens add --type=app)");
        }

        if (token.Spec.Roles.Contains(SystemRoles.App) && token.Spec.AppNames.Count == 0)
        {
            throw FerryException.BadParameter(
                "an app token must name the apps its agents may serve: tctl tokens add --type=app --app-name=NAME (repeat --app-name, or use a glob such as 'aws-*')");
        }

        ResourceCodec.Validate(token);
    }

    private ValueTask EmitCreatedAsync(ProvisionToken token, string actor, CancellationToken cancellationToken) =>
        _audit.EmitAsync(
            _audit.NewEvent(EventTypes.TokenCreate, actor).Set("roles", token.Spec.Roles).Set("app_names", token.Spec.AppNames.Count == 0 ? null : token.Spec.AppNames)
                .Set("expires", token.Metadata.Expires),
            cancellationToken);
}
