using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Reads <c>kind: lock</c> (v2) in Teleport's shape. Ferry locks target a user or a role; Teleport's other targets
/// (login, node, device, ...) name things Ferry does not have and are refused rather than silently ignored.
/// </summary>
internal static class LockReader
{
    private static readonly string[] UnsupportedTargets = ["login", "node", "mfa_device", "windows_desktop", "access_request", "device", "server_id", "bot_instance_id", "join_token"];

    public static AccessLock Read(YamlMap map, string? version)
    {
        ResourceReader.CheckVersion(map, ResourceKinds.Lock, version, ["v2"]);
        var metadata = ResourceReader.ReadMetadata(map, ResourceNames.CheckLockName);
        var spec = map.Map("spec");
        var target = new LockTarget();
        LockSpec? lockSpec = null;
        if (spec is not null)
        {
            if (!map.Has("spec"))
            {
                map.Report("spec", "missing required key", "add spec: with a target: (user: NAME or role: NAME)");
            }

            var targetMap = spec.Map("target");
            if (targetMap is not null)
            {
                target = new LockTarget { User = targetMap.String("user"), Role = targetMap.String("role") };
                foreach (var key in UnsupportedTargets.Where(targetMap.Has))
                {
                    targetMap.Report(key, $"lock target \"{key}\" is not supported by Ferry", "lock a user or a role");
                }

                if (target.User is null == (target.Role is null))
                {
                    spec.Report("target", "a lock targets exactly one user or one role", "e.g. target: {user: alice}");
                }
                else if (target.User is { } user && ResourceNames.CheckUserName(user) is { } userError)
                {
                    targetMap.Report("user", userError.Message, userError.Hint);
                }
                else if (target.Role is { } role && ResourceNames.CheckRoleName(role) is { } roleError)
                {
                    targetMap.Report("role", roleError.Message, roleError.Hint);
                }

                targetMap.Finish();
            }

            var message = spec.String("message");
            if (message is { Length: > 1024 })
            {
                spec.Report("message", "the lock message is longer than 1024 characters", "keep it to a sentence or two");
            }

            lockSpec = new LockSpec
            {
                Target = target,
                Message = message,
                Expires = spec.Time("expires"),
                CreatedAt = spec.Time("created_at"),
                CreatedBy = spec.String("created_by"),
            };
            spec.Finish();
        }

        return new AccessLock { Version = version ?? "v2", Metadata = metadata, Spec = lockSpec ?? new LockSpec { Target = target } };
    }
}
