using System.Collections.Concurrent;
using Ferry.Aws.Sts;

namespace Ferry.Aws.LocalProxy;

/// <summary>
/// tsh's memory of role-chaining credentials, keyed by access key id (docs/aws-access.md §1.4 step 2): a request whose
/// scope names one of these keys is verified with it and forwarded with the assumed-role headers. Expired entries
/// are dropped on lookup. Thread-safe.
/// </summary>
public sealed class AssumedRoleCredentialStore(TimeProvider? timeProvider = null)
{
    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, AwsSessionCredentials> _byKeyId = new(StringComparer.Ordinal);

    public int Count => _byKeyId.Count;

    public void Add(AwsSessionCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        _byKeyId[credentials.AccessKeyId] = credentials;
        if (_byKeyId.Count > 64)
        {
            RemoveExpired();
        }
    }

    public bool TryGet(string accessKeyId, out AwsSessionCredentials? credentials)
    {
        if (_byKeyId.TryGetValue(accessKeyId, out credentials))
        {
            if (credentials.Expiration > _time.GetUtcNow())
            {
                return true;
            }

            _byKeyId.TryRemove(new KeyValuePair<string, AwsSessionCredentials>(accessKeyId, credentials));
        }

        credentials = null;
        return false;
    }

    private void RemoveExpired()
    {
        var now = _time.GetUtcNow();
        foreach (var pair in _byKeyId)
        {
            if (pair.Value.Expiration <= now)
            {
                _byKeyId.TryRemove(pair);
            }
        }
    }
}
