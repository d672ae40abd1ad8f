using Ferry.Core.Errors;
using Ferry.Storage;

namespace Ferry.Auth.Storage;

/// <summary>
/// Typed CRUD for one resource kind under one key prefix (/roles/, /users/, ...). Serialisation is supplied
/// by the caller so every kind is stored in the same JSON shape the API speaks.
/// </summary>
public sealed class ResourceStore<T>
    where T : class
{
    private readonly IBackend _backend;
    private readonly string _prefix;
    private readonly string _kindName;
    private readonly ResourceSerializer<T> _serializer;

    public ResourceStore(IBackend backend, string prefix, string kindName, ResourceSerializer<T> serializer)
    {
        _backend = backend;
        _prefix = prefix.EndsWith('/') ? prefix : prefix + "/";
        _kindName = kindName;
        _serializer = serializer;
    }

    public IBackend Backend => _backend;

    public string KeyOf(string name) => _prefix + name;

    public async ValueTask<T?> GetAsync(string name, CancellationToken cancellationToken)
    {
        var item = await _backend.GetAsync(KeyOf(name), cancellationToken);
        return item is null ? null : Decode(item);
    }

    public async ValueTask<T> RequireAsync(string name, CancellationToken cancellationToken) =>
        await GetAsync(name, cancellationToken) ?? throw FerryException.NotFound($"{_kindName} \"{name}\" not found");

    public async ValueTask<IReadOnlyList<T>> ListAsync(CancellationToken cancellationToken)
    {
        var (start, end) = KeyRange.Prefix(_prefix);
        var items = await _backend.GetRangeAsync(start, end, 0, cancellationToken);
        return items.Select(Decode).ToList();
    }

    public async ValueTask<T> CreateAsync(T resource, CancellationToken cancellationToken)
    {
        try
        {
            return Decode(await _backend.CreateAsync(ToItem(resource), cancellationToken));
        }
        catch (FerryException e) when (e.Kind == ErrorKind.AlreadyExists)
        {
            throw FerryException.AlreadyExists($"{_kindName} \"{_serializer.NameOf(resource)}\" already exists; use --force (-f) to overwrite it");
        }
    }

    public async ValueTask<T> UpsertAsync(T resource, CancellationToken cancellationToken) =>
        Decode(await _backend.PutAsync(ToItem(resource), cancellationToken));

    public async ValueTask DeleteAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _backend.DeleteAsync(KeyOf(name), cancellationToken);
        }
        catch (FerryException e) when (e.Kind == ErrorKind.NotFound)
        {
            throw FerryException.NotFound($"{_kindName} \"{name}\" not found");
        }
    }

    public Item ToItem(T resource) =>
        Item.Create(KeyOf(_serializer.NameOf(resource)), _serializer.Serialize(resource), _serializer.ExpiresOf(resource));

    public T Decode(Item item) => _serializer.WithRevision(_serializer.Deserialize(item.Value), item.Revision.ToString(System.Globalization.CultureInfo.InvariantCulture));
}

/// <summary>How one resource kind is named, stored and stamped with its revision.</summary>
public sealed record ResourceSerializer<T>(
    Func<T, string> NameOf,
    Func<T, byte[]> Serialize,
    Func<ReadOnlyMemory<byte>, T> Deserialize,
    Func<T, DateTimeOffset?> ExpiresOf,
    Func<T, string, T> WithRevision);
