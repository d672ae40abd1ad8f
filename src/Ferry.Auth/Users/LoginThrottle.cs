using System.Net;
using System.Net.Sockets;

namespace Ferry.Auth.Users;

/// <summary>
/// Failed logins per client address, in memory, in front of bcrypt: once an address has
/// <see cref="AuthServerOptions.LoginThrottleMaxFailures"/> failures within <see cref="AuthServerOptions.LoginThrottleWindow"/>,
/// its next attempts are refused without any check until the oldest failure leaves the window. Like the per-user count
/// (<see cref="LoginAttemptCounter"/>) an attempt takes its slot before the check and a success gives it back, so a burst
/// cannot outrun the count and successful logins cost an address nothing.
///
/// This is a speed bump for one auth server, not a guarantee (that is the per-user count in the backend), so it needs
/// no shared state. IPv6 addresses count per /64, the block one host or customer is usually given. At most
/// <see cref="AuthServerOptions.LoginThrottleMaxAddresses"/> addresses are remembered; when full, the one whose last
/// failure is oldest is forgotten.
///
/// Not System.Threading.RateLimiting: its limiters read the wall clock rather than a TimeProvider (so expiry cannot be
/// tested), its partitioned limiter has no bound on the number of addresses, and a permit cannot be handed back.
/// </summary>
internal sealed class LoginThrottle
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly int _maxFailures;
    private readonly TimeSpan _window;
    private readonly int _maxAddresses;

    public LoginThrottle(int maxFailures, TimeSpan window, int maxAddresses)
    {
        _maxFailures = maxFailures;
        _window = window;
        _maxAddresses = Math.Max(1, maxAddresses);
    }

    /// <summary>How many addresses are remembered now (for tests of the memory bound).</summary>
    public int TrackedAddresses
    {
        get
        {
            lock (_gate)
            {
                return _failures.Count;
            }
        }
    }

    /// <summary>Takes a failure slot for the address, or says when it may try again.</summary>
    public bool TryReserve(string? remoteAddr, DateTimeOffset now, out LoginThrottleSlot slot, out DateTimeOffset retryAt)
    {
        var key = KeyOf(remoteAddr);
        lock (_gate)
        {
            if (!_failures.TryGetValue(key, out var failures))
            {
                MakeRoom(now);
                failures = [];
                _failures[key] = failures;
            }

            failures.RemoveAll(t => t <= now - _window);
            if (failures.Count >= _maxFailures)
            {
                slot = default;
                retryAt = failures.Min() + _window;
                return false;
            }

            failures.Add(now);
            slot = new LoginThrottleSlot(key, now);
            retryAt = default;
            return true;
        }
    }

    /// <summary>The attempt was no failed login (it succeeded, or could not be checked): its slot is given back.</summary>
    public void Release(LoginThrottleSlot slot)
    {
        lock (_gate)
        {
            if (slot.Address is not null && _failures.TryGetValue(slot.Address, out var failures))
            {
                failures.Remove(slot.At);
                if (failures.Count == 0)
                {
                    _failures.Remove(slot.Address);
                }
            }
        }
    }

    /// <summary>IPv4 (also IPv4-mapped IPv6) as it is; IPv6 by its /64 prefix; anything unparsable shares one bucket.</summary>
    internal static string KeyOf(string? remoteAddr)
    {
        if (!IPAddress.TryParse(remoteAddr, out var address))
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private void MakeRoom(DateTimeOffset now)
    {
        if (_failures.Count < _maxAddresses)
        {
            return;
        }

        // Full: first forget addresses with nothing left in the window, then the stalest. O(n), but only when a new
        // address arrives at a full table, and each new address stands for a bcrypt check that costs far more.
        foreach (var (address, failures) in _failures)
        {
            if (failures.TrueForAll(t => t <= now - _window))
            {
                _failures.Remove(address);
            }
        }

        if (_failures.Count >= _maxAddresses)
        {
            var stalest = _failures.MinBy(entry => entry.Value.Count == 0 ? DateTimeOffset.MinValue : entry.Value[^1]).Key;
            _failures.Remove(stalest);
        }
    }
}

/// <summary>One attempt's place in an address's failure list, given back by <see cref="LoginThrottle.Release"/>.</summary>
internal readonly record struct LoginThrottleSlot(string Address, DateTimeOffset At);
