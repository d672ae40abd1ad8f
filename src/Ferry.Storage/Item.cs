namespace Ferry.Storage;

/// <summary>
/// One stored value. <paramref name="Revision"/> is assigned by the backend on every write and only grows,
/// so a reader can tell which of two versions is newer and a writer can compare-and-swap on it.
/// <paramref name="Expires"/> makes the item invisible (and later deleted) once passed.
/// </summary>
public sealed record Item(string Key, ReadOnlyMemory<byte> Value, long Revision = 0, DateTimeOffset? Expires = null)
{
    public static Item Create(string key, ReadOnlyMemory<byte> value, DateTimeOffset? expires = null) => new(key, value, 0, expires);
}
