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
            var appNames = ReadAppNames(spec, roles);
            tokenSpec = new ProvisionTokenSpec { Roles = roles, JoinMethod = method, AppNames = appNames };
            spec.Finish();
        }
        return new ProvisionToken { Version = version ?? "v2", Metadata = metadata, Spec = tokenSpec };
    }

    /// <summary>
    /// <c>app_names</c>: what an agent joining with an App token may serve (names or globs). Required for App tokens,
    /// because an agent's host identity is bound to them at join; meaningless (so refused) for other roles.
    /// </summary>
    private static IReadOnlyList<string> ReadAppNames(YamlMap spec, IReadOnlyList<string> roles)
    {
        var names = spec.StringList("app_names") ?? [];
        for (var i = 0; i < names.Count; i++)
        {
            if (ResourceNames.CheckAppNamePattern(names[i]) is { } error)
            {
                spec.Diagnostics.Report(spec.MarkOf("app_names"), YamlPath.Index(spec.PathOf("app_names"), i), error.Message, error.Hint);
            }
        }

        if (roles.Contains(SystemRoles.App) && names.Count == 0)
        {
            spec.Report("app_names", "an App token must name the apps its agents may serve", "e.g. app_names: [aws-dynamodb], or a glob such as aws-*");
        }
        else if (!roles.Contains(SystemRoles.App) && names.Count > 0)
        {
            spec.Report("app_names", "app_names applies only to tokens with the App role", "remove app_names or add App to roles");
        }

        return names;
    }
}
