using Ferry.Auth.Apps;
using Ferry.Auth.Audit;
using Ferry.Auth.Web;
using Ferry.Core.Api;
using Ferry.Auth.Storage;
using Ferry.Core.Audit;
using Ferry.Core.Errors;
using Ferry.Core.Locks;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;
using Ferry.Storage;

namespace Ferry.Auth.Locks;

/// <summary>
/// Locks (tctl lock, tctl get locks, tctl rm lock/NAME) and user revocations. Both are plain storage records: proxies
/// and agents learn them through the watch feed and refuse the target's next request, so a lock takes effect
/// everywhere within the feed's latency (docs/locks.md). Auth itself checks them through <see cref="LockIndex"/>.
/// </summary>
public sealed class LockService
{
    private readonly ResourceStore<AccessLock> _store;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;
    private readonly IBackend _backend;

    public LockService(IBackend backend, AuditLog audit, TimeProvider time)
    {
        _backend = backend;
        _store = new ResourceStore<AccessLock>(backend, LockKeys.LockPrefix, "lock", LockSerializer);
        _audit = audit;
        _time = time;
    }

    private static readonly ResourceSerializer<AccessLock> LockSerializer = new(
        l => l.Name,
        l => ResourceJson.SerializeToUtf8Bytes(l),
        b => ResourceJson.Deserialize<AccessLock>(b.Span),
        l => l.Spec.Expires,
        (l, rev) => l with { Metadata = l.Metadata with { Revision = rev } });

    public ValueTask<IReadOnlyList<AccessLock>> ListAsync(CancellationToken cancellationToken) => _store.ListAsync(cancellationToken);

    public ValueTask<AccessLock> GetAsync(string name, CancellationToken cancellationToken) => _store.RequireAsync(name, cancellationToken);

    /// <summary>Stores a lock (a new name unless one is given), stamped with who created it and when.</summary>
    public async ValueTask<AccessLock> UpsertAsync(AccessLock requested, bool force, string actor, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (requested.Spec.Expires is { } expires && expires <= now)
        {
            throw FerryException.BadParameter($"the lock's expiry {expires:u} is in the past; use a later time or --ttl");
        }

        var stamped = requested with
        {
            Metadata = requested.Metadata with { Name = string.IsNullOrEmpty(requested.Metadata.Name) ? Guid.NewGuid().ToString() : requested.Metadata.Name, Expires = requested.Spec.Expires },
            Spec = requested.Spec with { CreatedAt = requested.Spec.CreatedAt ?? now, CreatedBy = requested.Spec.CreatedBy ?? actor },
        };
        ResourceCodec.Validate(stamped);
        var stored = force ? await _store.UpsertAsync(stamped, cancellationToken) : await _store.CreateAsync(stamped, cancellationToken);
        await _audit.EmitAsync(
            _audit.NewEvent(EventTypes.LockCreate, actor).Set("name", stored.Name).Set("target_user", stored.Spec.Target.User)
                .Set("target_role", stored.Spec.Target.Role).Set("message", stored.Spec.Message).Set("expires", stored.Spec.Expires),
            cancellationToken);
        return stored;
    }

    public async ValueTask<IReadOnlyList<UserRevocation>> ListRevocationsAsync(CancellationToken cancellationToken)
    {
        var (start, end) = KeyRange.Prefix(LockKeys.RevocationPrefix);
        return (await _backend.GetRangeAsync(start, end, 0, cancellationToken)).Select(i => StoredJson.Deserialize<UserRevocation>(i.Value)).ToList();
    }

    public async ValueTask DeleteAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await _store.DeleteAsync(name, cancellationToken);
        await _audit.EmitAsync(_audit.NewEvent(EventTypes.LockDelete, actor).Set("name", name), cancellationToken);
    }

    /// <summary>
    /// Cuts a user off everywhere (tctl users rm / tctl users reset), in one write: every certificate issued to them before
    /// now is revoked, and their web and app sessions end. Proxies and agents refuse the user's next request.
    /// </summary>
    public async ValueTask EndUserAsync(string user, string reason, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var revocation = new UserRevocation { User = user, NotBefore = now, Reason = reason };
        var actions = new List<WriteAction>
        {
            new WriteAction.Put(Item.Create(LockKeys.RevocationKey(user), StoredJson.Serialize(revocation), now + LockKeys.MaxUserCertTtl + TimeSpan.FromHours(1))),
        };
        actions.AddRange(await SessionKeysAsync(AppSessionService.KeyPrefix, json => StoredJson.Deserialize<AppSessionInfo>(json).User == user, cancellationToken));
        actions.AddRange(await SessionKeysAsync(WebSessionService.Prefix, json => StoredJson.Deserialize<WebSessionRecord>(json).User == user, cancellationToken));
        await _backend.AtomicWriteAsync([], actions, cancellationToken);
    }

    private async ValueTask<IEnumerable<WriteAction>> SessionKeysAsync(string prefix, Func<ReadOnlyMemory<byte>, bool> ofUser, CancellationToken cancellationToken)
    {
        var (start, end) = KeyRange.Prefix(prefix);
        return (await _backend.GetRangeAsync(start, end, 0, cancellationToken)).Where(i => ofUser(i.Value)).Select(i => (WriteAction)new WriteAction.Delete(i.Key)).ToList();
    }
}
