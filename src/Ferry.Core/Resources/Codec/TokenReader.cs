using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>Reads <c>kind: token</c>; a token may only grant joinable system roles (App, Proxy) and joins by secret.</summary>
internal static class TokenReader
{
    public static ProvisionToken Read(YamlMap map, string? version)
    {
        ResourceReader.CheckVersion(map, ResourceKinds.Token, version, ["v2"]);
        var metadata = ResourceReader.ReadMetadata(map, ResourceNames.CheckTokenName);
        var spec = map.Map("spec");
        var tokenSpec = new ProvisionTokenSpec();
        if (spec is not null)
        {
            var roles = new List<string>();
            var rawRoles = spec.StringList("roles") ?? [];
            if (rawRoles.Count == 0)
            {
                spec.Report("roles", "a token needs at least one role", $"e.g. roles: [{SystemRoles.App}]");
            }
            foreach (var role in rawRoles)
            {
                // Teleport accepts "app" as well as "App"; store the canonical spelling.
                var canonical = SystemRoles.JoinableRoles.FirstOrDefault(r => string.Equals(r, role, StringComparison.OrdinalIgnoreCase));
                if (canonical is null)
                {
                    spec.Report("roles", $"role \"{role}\" cannot be granted by a join token",
                        $"use {string.Join(" or ", SystemRoles.JoinableRoles)}");
                }
                else if (!roles.Contains(canonical))
                {
                    roles.Add(canonical);
                }
            }
            var method = spec.String("join_method") ?? "token";
            if (method != "token")
            {
                spec.Report("join_method", $"join method \"{method}\" is not supported by Ferry yet", "use join_method: token");
            }
            tokenSpec = new ProvisionTokenSpec { Roles = roles, JoinMethod = method };
            spec.Finish();
        }
        return new ProvisionToken { Version = version ?? "v2", Metadata = metadata, Spec = tokenSpec };
    }
}
