using Ferry.Core.Errors;

namespace Ferry.Storage;

/// <summary>
/// Argument checks shared by every backend, so SQLite and PostgreSQL reject the same inputs with the same
/// BadParameter messages instead of failing later with a driver-specific error.
/// </summary>
internal static class BackendArguments
{
    public static void Key(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0)
        {
            throw FerryException.BadParameter("a storage key must not be empty");
        }
    }

    public static void Item(Item item)
    {
        ArgumentNullException.ThrowIfNull(item);
        Key(item.Key);
    }

    public static void Range(string startKey, string endKey, int limit = 0)
    {
        ArgumentNullException.ThrowIfNull(startKey);
        ArgumentNullException.ThrowIfNull(endKey);
        if (limit < 0)
        {
            throw FerryException.BadParameter($"a range limit must be zero (no limit) or positive, not {limit}");
        }
    }

    public static void CompareAndSwap(Item expected, Item replacement)
    {
        Item(expected);
        Item(replacement);
        if (!string.Equals(expected.Key, replacement.Key, StringComparison.Ordinal))
        {
            throw FerryException.BadParameter("compare-and-swap needs the expected and replacement items to have the same key");
        }
    }

    public static void AtomicWrite(IReadOnlyList<Condition> conditions, IReadOnlyList<WriteAction> actions)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(actions);
        foreach (var condition in conditions)
        {
            ArgumentNullException.ThrowIfNull(condition);
            Key(condition.Key);
        }

        // Two actions on one key would make the result depend on their order; Teleport rejects it too.
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var action in actions)
        {
            ArgumentNullException.ThrowIfNull(action);
            Key(action.Key);
            if (!seen.Add(action.Key))
            {
                throw FerryException.BadParameter($"an atomic write has more than one action on key {action.Key}");
            }
        }
    }

    public static void Prefixes(IReadOnlyCollection<string> prefixes)
    {
        ArgumentNullException.ThrowIfNull(prefixes);
        foreach (var prefix in prefixes)
        {
            ArgumentNullException.ThrowIfNull(prefix);
        }
    }
}
