using Ferry.Auth.Storage;
using Ferry.Core.Errors;
using Ferry.Core.Security;
using Ferry.Storage;

namespace Ferry.Auth.Sso;

/// <summary>Logins in flight, each taken once (see <see cref="SsoRequest"/>).</summary>
public sealed class SsoRequestStore
{
    public const string Prefix = "/sso_requests/";

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
        if (string.IsNullOrEmpty(id) || id.Length > 64 || !id.All(char.IsAsciiHexDigitLower))
        {
            return null;
        }

        var item = await _backend.GetAsync(Prefix + id, cancellationToken);
        if (item is null)
        {
            return null;
        }

        try
        {
            await _backend.AtomicWriteAsync([new Condition.MustExist(item.Key)], [new WriteAction.Delete(item.Key)], cancellationToken);
        }
        catch (FerryException e) when (e.Kind is ErrorKind.CompareFailed or ErrorKind.NotFound)
        {
            return null; // another callback with the same state won the race
        }

        return StoredJson.Deserialize<SsoRequest>(item.Value);
    }
}
