using Ferry.Auth.Storage;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Storage;

namespace Ferry.Auth.Authorities;

/// <summary>
/// Loads the cluster's user and host CAs, generating them on first start. Creation uses create-if-absent,
/// so two auth servers starting together on one backend end up with the same CAs.
/// The private keys live only in the backend (SQLite file 0600 or PostgreSQL) and in the auth process.
/// </summary>
public static class CaStore
{
    private const string ClusterNameKey = "/cluster/name";

    public static async ValueTask<ClusterAuthorities> LoadOrCreateAsync(IBackend backend, string clusterName, TimeProvider time, CancellationToken cancellationToken)
    {
        await EnsureClusterNameAsync(backend, clusterName, cancellationToken);
        var user = await LoadOrCreateAsync(backend, clusterName, CaType.User, time, cancellationToken);
        var host = await LoadOrCreateAsync(backend, clusterName, CaType.Host, time, cancellationToken);
        return new ClusterAuthorities(clusterName, user, host);
    }

    private static async ValueTask EnsureClusterNameAsync(IBackend backend, string clusterName, CancellationToken cancellationToken)
    {
        var existing = await backend.GetAsync(ClusterNameKey, cancellationToken);
        if (existing is null)
        {
            try
            {
                await backend.CreateAsync(Item.Create(ClusterNameKey, System.Text.Encoding.UTF8.GetBytes(clusterName)), cancellationToken);
                return;
            }
            catch (FerryException e) when (e.Kind == ErrorKind.AlreadyExists)
            {
                existing = await backend.GetAsync(ClusterNameKey, cancellationToken);
            }
        }

        var stored = System.Text.Encoding.UTF8.GetString(existing!.Value.Span);
        if (!string.Equals(stored, clusterName, StringComparison.Ordinal))
        {
            throw FerryException.BadParameter(
                $"auth_service.cluster_name is \"{clusterName}\" but this cluster's data was created as \"{stored}\"; " +
                $"a cluster cannot be renamed: set cluster_name: \"{stored}\", or start a new cluster on new storage (a new data_dir, or another storage.conn_string database)");
        }
    }

    private static async ValueTask<CertificateAuthority> LoadOrCreateAsync(IBackend backend, string clusterName, CaType type, TimeProvider time, CancellationToken cancellationToken)
    {
        var key = "/authorities/" + type.ToString().ToLowerInvariant();
        var item = await backend.GetAsync(key, cancellationToken);
        if (item is null)
        {
            using var created = CertificateAuthority.Create(clusterName, type, time);
            var record = new StoredCa(created.CertificatePem, created.ExportKeyPem());
            try
            {
                item = await backend.CreateAsync(Item.Create(key, StoredJson.Serialize(record)), cancellationToken);
            }
            catch (FerryException e) when (e.Kind == ErrorKind.AlreadyExists)
            {
                item = await backend.GetAsync(key, cancellationToken);
            }
        }

        var stored = StoredJson.Deserialize<StoredCa>(item!.Value);
        return CertificateAuthority.FromPem(stored.CertPem, stored.KeyPem);
    }

    private sealed record StoredCa(string CertPem, string KeyPem);
}

/// <summary>The two CAs of a cluster.</summary>
public sealed record ClusterAuthorities(string ClusterName, CertificateAuthority User, CertificateAuthority Host);
