using Ferry.Core.IO;

namespace Ferry.Teleport.Runtime;

/// <summary>This machine's stable identity in the cluster, kept in data_dir/host_uuid like Teleport's.</summary>
internal static class HostId
{
    public static string LoadOrCreate(string dataDir)
    {
        var path = Path.Combine(dataDir, "host_uuid");
        if (File.Exists(path))
        {
            var existing = File.ReadAllText(path).Trim();
            if (Guid.TryParse(existing, out _))
            {
                return existing;
            }
        }

        var id = Guid.NewGuid().ToString();
        SecureFile.WriteAllText(path, id + "\n");
        return id;
    }
}
