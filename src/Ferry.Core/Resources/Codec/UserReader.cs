using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Reads <c>kind: user</c>, including everything <c>tctl get users/NAME</c> prints (Ferry's and Teleport's), so the
/// guide's get → edit roles → create flow works. Informational fields (created_by, status, expires, identities) are
/// accepted; the auth service decides which of them it keeps.
/// </summary>
internal static class UserReader
{
    public static User Read(YamlMap map, string? version)
    {
        ResourceReader.CheckVersion(map, ResourceKinds.User, version, ["v2"]);
        var metadata = ResourceReader.ReadMetadata(map, ResourceNames.CheckUserName);
        var spec = map.Map("spec");
        var userSpec = new UserSpec();
        if (spec is not null)
        {
            var roles = spec.StringList("roles") ?? [];
            for (var i = 0; i < roles.Count; i++)
            {
                if (ResourceNames.CheckRoleName(roles[i]) is { } error)
                {
                    spec.Diagnostics.Report(spec.MarkOf("roles"), YamlPath.Index(spec.PathOf("roles"), i), error.Message, error.Hint);
                }
            }
            var traits = spec.StringListMap("traits") ?? new Dictionary<string, IReadOnlyList<string>>();
            // Teleport prints never-set times and SSO identities; they carry nothing Ferry uses.
            spec.Ignore("expires", "oidc_identities", "saml_identities", "github_identities", "trusted_device_ids", "local_auth");
            userSpec = new UserSpec
            {
                Roles = roles,
                Traits = traits,
                CreatedBy = ReadCreatedBy(spec.Map("created_by")),
                Status = ReadStatus(spec.Map("status")),
            };
            spec.Finish();
        }
        return new User { Version = version ?? "v2", Metadata = metadata, Spec = userSpec };
    }

    private static UserCreatedBy? ReadCreatedBy(YamlMap? map)
    {
        if (map is null || !map.Keys.Any())
        {
            return null;
        }
        var time = map.Time("time");
        var user = map.Map("user");
        var name = user?.String("name") ?? "";
        user?.Finish();
        var connector = map.Map("connector");
        UserConnectorRef? source = null;
        if (connector is not null && connector.Keys.Any())
        {
            source = new UserConnectorRef { Type = connector.String("type") ?? "", Id = connector.String("id") ?? "", Identity = connector.String("identity") ?? "" };
            connector.Finish();
        }
        map.Finish();
        return new UserCreatedBy { Time = time ?? DateTimeOffset.UnixEpoch, User = name, Connector = source };
    }

    private static UserStatus ReadStatus(YamlMap? map)
    {
        if (map is null)
        {
            return new UserStatus();
        }
        map.Ignore("recovery_attempt_lock_expires");
        var status = new UserStatus
        {
            IsLocked = map.Bool("is_locked") ?? false,
            LockedMessage = map.String("locked_message"),
            LockedTime = map.Time("locked_time"),
            LockExpires = map.Time("lock_expires"),
        };
        map.Finish();
        return status;
    }
}
