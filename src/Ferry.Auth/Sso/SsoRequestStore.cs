using Ferry.Auth.Storage;
using Ferry.Core.Errors;
using Ferry.Core.Security;
using Ferry.Storage;

namespace Ferry.Auth.Sso;

/// <summary>Logins in flight, each taken once (see <see cref="SsoRequest"/>).</summary>
public sealed class SsoRequestStore
{
    public const string Prefix = "/sso_requests/";

    /// <summary>What is left of a used request until it would have expired: enough to name its connector in the audit of a replay.</summary>
    public const string UsedPrefix = "/sso_requests_used/";

    /// <summary>How long a user has at the identity provider before the login must start again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(10);

    private readonly IBackend _backend;

    public SsoRequestStore(IBackend backend)
    {
        _backend = backend;
    }

    /// <summary>A fresh, unguessable request id (128 bits).</summary>
    public static string NewId() => Secrets.New(16);

    public async ValueTask CreateAsync(SsoRequest request, CancellationToken cancellationToken) =>
        await _backend.CreateAsync(Item.Create(Prefix + request.Id, StoredJson.Serialize(request), request.Expires), cancellationToken);

    /// <summary>
    /// Reads and deletes the request in one step that only one caller can win, so a state or RelayState works once.
    /// Null when it does not exist (never did, expired, or already used).
    /// </summary>
    public async ValueTask<SsoRequest?> TakeAsync(string? id, CancellationToken cancellationToken)
    {
        if (!IsWellFormed(id))
        {
            return null;
        }

        var item = await _backend.GetAsync(Prefix + id, cancellationToken);
        if (item is null)
        {
            return null;
        }

        var request = StoredJson.Deserialize<SsoRequest>(item.Value);
        var used = new UsedSsoRequest { Kind = request.Kind, Connector = request.Connector };
        try
        {
            await _backend.AtomicWriteAsync(
                [new Condition.MustExist(item.Key)],
                [new WriteAction.Delete(item.Key), new WriteAction.Put(Item.Create(UsedPrefix + id, StoredJson.Serialize(used), request.Expires))],
                cancellationToken);
        }
        catch (FerryException e) when (e.Kind is ErrorKind.CompareFailed or ErrorKind.NotFound)
        {
            return null; // another callback with the same state won the race
        }

        return request;
    }

    /// <summary>The connector of a request that was already taken, while it would still be in time; null otherwise.</summary>
    public async ValueTask<UsedSsoRequest?> FindUsedAsync(string? id, CancellationToken cancellationToken) =>
        IsWellFormed(id) && await _backend.GetAsync(UsedPrefix + id, cancellationToken) is { } item
            ? StoredJson.Deserialize<UsedSsoRequest>(item.Value)
            : null;

    private static bool IsWellFormed(string? id) => !string.IsNullOrEmpty(id) && id.Length <= 64 && id.All(char.IsAsciiHexDigitLower);
}

/// <summary>The kind and connector of a login that has been answered (see <see cref="SsoRequestStore.UsedPrefix"/>).</summary>
public sealed record UsedSsoRequest
{
    public required string Kind { get; init; }
    public required string Connector { get; init; }
}
