using System.Diagnostics;
using Ferry.Auth.Storage;
using Ferry.Core.Errors;
using Ferry.Storage;

namespace Ferry.Auth.Users;

/// <summary>
/// Failed-login counting per name, in the backend only, so every auth server sharing it sees one count.
///
/// An attempt takes a slot <em>before</em> its password is checked: one atomic write, conditional on the lock being
/// absent and the count being the one just read, adds it as pending. Failures plus pending slots never exceed
/// MaxLoginAttempts, so however many attempts race, no more wrong guesses are checked than there are slots:
/// <code>
///  reserve   no lock, failures + pending &lt; max  → pending += me          (else: locked, or wait for pending ones)
///  failure   pending -= me, failures += now      → at max: lock + remove count, in one write, only if unlocked
///  success   pending -= me, failures cleared     (other attempts' pending slots stay: they are still being checked)
/// </code>
/// The write that brings the failures to the limit writes the lock, and only when no lock exists, so a lock is
/// written (and audited) once. A slot pending longer than <see cref="PendingTimeout"/> counts as a failure: its
/// server stopped mid-check.
/// </summary>
internal sealed class LoginAttemptCounter
{
    private static readonly TimeSpan PendingTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long an attempt waits for slots held by attempts still being checked before it gives up.</summary>
    private static readonly TimeSpan BusyWait = TimeSpan.FromSeconds(5);

    // Every lost compare means another attempt wrote first, and only so many can be in flight for one name.
    private const int MaxRounds = 256;

    private readonly IBackend _backend;
    private readonly AuthServerOptions _options;
    private readonly TimeProvider _time;

    public LoginAttemptCounter(IBackend backend, AuthServerOptions options, TimeProvider time)
    {
        _backend = backend;
        _options = options;
        _time = time;
    }

    public async ValueTask<LoginAdmission> ReserveAsync(LoginAttemptKeys keys, CancellationToken cancellationToken)
    {
        // Real elapsed time, not the TimeProvider: this bounds how long a request waits, it is no expiry.
        var waiting = Stopwatch.StartNew();
        var pause = TimeSpan.FromMilliseconds(5);
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = _time.GetUtcNow();
            if (await _backend.GetAsync(keys.Lock, cancellationToken) is { } lockItem)
            {
                return LoginAdmission.Locked(StoredJson.Deserialize<UserLock>(lockItem.Value).Until);
            }

            var item = await _backend.GetAsync(keys.Attempts, cancellationToken);
            var (failures, pending) = Live(item, now);
            if (failures.Count >= _options.MaxLoginAttempts)
            {
                return LoginAdmission.Locked(now + _options.LockDuration); // only after a check stopped half-way (PendingTimeout)
            }

            if (failures.Count + pending.Count >= _options.MaxLoginAttempts)
            {
                // The remaining slots are held by attempts being checked now: wait for their outcome (a lock, or freed slots).
                if (waiting.Elapsed >= BusyWait)
                {
                    return LoginAdmission.Busy();
                }

                await Task.Delay(pause, cancellationToken);
                pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, TimeSpan.FromMilliseconds(200).Ticks));
                continue;
            }

            var id = Guid.NewGuid().ToString("N");
            pending.Add(new PendingLogin(id, now));
            try
            {
                await _backend.AtomicWriteAsync(
                    [new Condition.MustNotExist(keys.Lock), Unchanged(keys, item)],
                    [new WriteAction.Put(ToItem(keys, failures, pending, now))],
                    cancellationToken);
                return LoginAdmission.Admitted(id);
            }
            catch (FerryException e) when (e.Kind == ErrorKind.CompareFailed)
            {
                // Another attempt took a slot, gave one back or locked first: read both again.
            }
        }

        throw TooBusy();
    }

    /// <summary>Turns the attempt's pending slot into a failure; the failure that reaches the limit locks. Returns the lock it wrote.</summary>
    public async ValueTask<UserLock?> RecordFailureAsync(LoginAttemptKeys keys, string pendingId, CancellationToken cancellationToken)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = _time.GetUtcNow();
            var item = await _backend.GetAsync(keys.Attempts, cancellationToken);
            var (failures, pending) = Live(item, now);
            if (item is null || pending.RemoveAll(p => p.Id == pendingId) == 0)
            {
                return null; // already counted: as a stale slot, or by a lock that removed the count
            }

            failures.Add(now);
            try
            {
                if (failures.Count < _options.MaxLoginAttempts)
                {
                    await _backend.AtomicWriteAsync([Unchanged(keys, item)], [new WriteAction.Put(ToItem(keys, failures, pending, now))], cancellationToken);
                    return null;
                }

                var userLock = new UserLock(now + _options.LockDuration, $"{failures.Count} failed login attempts");
                await _backend.AtomicWriteAsync(
                    [Unchanged(keys, item), new Condition.MustNotExist(keys.Lock)],
                    [new WriteAction.Put(Item.Create(keys.Lock, StoredJson.Serialize(userLock), userLock.Until)), new WriteAction.Delete(keys.Attempts)],
                    cancellationToken);
                return userLock;
            }
            catch (FerryException e) when (e.Kind == ErrorKind.CompareFailed)
            {
                // The count moved under us (or a lock landed, which also removes the count): read again.
            }
        }

        throw TooBusy();
    }

    /// <summary>A success clears the failures and gives back its own slot; other attempts' pending slots stay.</summary>
    public async ValueTask ClearAsync(LoginAttemptKeys keys, string pendingId, CancellationToken cancellationToken)
    {
        for (var round = 0; round < MaxRounds; round++)
        {
            var now = _time.GetUtcNow();
            var item = await _backend.GetAsync(keys.Attempts, cancellationToken);
            if (item is null)
            {
                return;
            }

            var (_, pending) = Live(item, now);
            pending.RemoveAll(p => p.Id == pendingId);
            WriteAction action = pending.Count == 0 ? new WriteAction.Delete(keys.Attempts) : new WriteAction.Put(ToItem(keys, [], pending, now));
            try
            {
                await _backend.AtomicWriteAsync([Unchanged(keys, item)], [action], cancellationToken);
                return;
            }
            catch (FerryException e) when (e.Kind == ErrorKind.CompareFailed)
            {
                // Another attempt changed the count first: read again.
            }
        }

        throw TooBusy();
    }

    /// <summary>Failures within the window and pending slots; a slot pending too long counts as the failure it probably was.</summary>
    private (List<DateTimeOffset> Failures, List<PendingLogin> Pending) Live(Item? item, DateTimeOffset now)
    {
        if (item is null)
        {
            return ([], []);
        }

        var stored = StoredJson.Deserialize<LoginAttempts>(item.Value);
        var pending = (stored.Pending ?? []).ToList();
        var failures = stored.Failures.Concat(pending.Where(p => p.Started <= now - PendingTimeout).Select(p => p.Started))
            .Where(t => t > now - _options.LoginAttemptWindow)
            .Order()
            .ToList();
        pending.RemoveAll(p => p.Started <= now - PendingTimeout);
        return (failures, pending);
    }

    private static Condition Unchanged(LoginAttemptKeys keys, Item? item) =>
        item is null ? new Condition.MustNotExist(keys.Attempts) : new Condition.RevisionIs(keys.Attempts, item.Revision);

    private Item ToItem(LoginAttemptKeys keys, List<DateTimeOffset> failures, List<PendingLogin> pending, DateTimeOffset now) =>
        Item.Create(keys.Attempts, StoredJson.Serialize(new LoginAttempts(failures, pending)), now + Max(_options.LoginAttemptWindow, PendingTimeout));

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static FerryException TooBusy() =>
        FerryException.Unavailable("too many logins for this user name at the same moment to count them; try again in a few seconds");
}
