using Ferry.Core.Yaml;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Reads <c>kind: github</c> (v3). <c>client_secret</c> may be left out, as <c>tctl get</c> prints it: auth keeps the
/// stored one, or refuses a new connector without it. Whether the mapped roles exist is auth's check too.
/// </summary>
internal static class GithubConnectorReader
{
    private const string RedirectExample = "https://teleport.example.com/v1/webapi/github/callback";

    public static GithubConnector Read(YamlMap map, string? version)
    {
        ResourceReader.CheckVersion(map, ResourceKinds.Github, version, ["v3"]);
        var metadata = ResourceReader.ReadMetadata(map, ResourceNames.CheckConnectorName);
        var spec = ConnectorReaders.Spec(map, "client_id, client_secret, redirect_url and teams_to_roles");
        var githubSpec = new GithubConnectorSpec();
        if (spec is not null)
        {
            var clientId = spec.String("client_id", required: true);
            var redirectUrl = spec.String("redirect_url", required: true);
            if (ConnectorUrls.Check(spec, "redirect_url", redirectUrl, required: true, RedirectExample) is { } redirect)
            {
                ConnectorUrls.CheckProxyPath(spec, "redirect_url", redirect, GithubConnector.CallbackPath);
            }
            var endpointUrl = ConnectorReaders.NullIfEmpty(spec.String("endpoint_url"));
            var apiEndpointUrl = ConnectorReaders.NullIfEmpty(spec.String("api_endpoint_url"));
            ConnectorUrls.Check(spec, "endpoint_url", endpointUrl, required: false, "https://github.example.com");
            ConnectorUrls.Check(spec, "api_endpoint_url", apiEndpointUrl, required: false, "https://github.example.com/api/v3");
            if ((endpointUrl is null) != (apiEndpointUrl is null))
            {
                // Teleport prints unset URLs as empty strings, which mean github.com: only one of the pair set is a mistake.
                spec.Report(endpointUrl is null ? "endpoint_url" : "api_endpoint_url", "GitHub Enterprise needs both endpoint_url and api_endpoint_url",
                    "e.g. endpoint_url: https://github.example.com and api_endpoint_url: https://github.example.com/api/v3 (leave both out for github.com)");
            }
            if (spec.Has("teams_to_logins"))
            {
                // Teleport prints teams_to_logins: null; a value is its long-deprecated way of granting logins.
                spec.Report("teams_to_logins", "teams_to_logins is not supported", "map teams to roles with teams_to_roles");
            }
            githubSpec = new GithubConnectorSpec
            {
                ClientId = clientId ?? "",
                ClientSecret = ConnectorReaders.NullIfEmpty(spec.String("client_secret")),
                RedirectUrl = redirectUrl ?? "",
                Display = ConnectorReaders.NullIfEmpty(spec.String("display")),
                TeamsToRoles = ConnectorMappings.Read(spec, "teams_to_roles", "{organization: octocats, team: admins, roles: [access]}", ReadMapping),
                EndpointUrl = endpointUrl,
                ApiEndpointUrl = apiEndpointUrl,
            };
            spec.Finish();
        }
        return new GithubConnector { Version = version ?? "v3", Metadata = metadata, Spec = githubSpec };
    }

    private static TeamRolesMapping ReadMapping(YamlMap item)
    {
        var mapping = new TeamRolesMapping
        {
            Organization = ConnectorMappings.Name(item, "organization"),
            Team = ConnectorMappings.Name(item, "team"),
            Roles = ConnectorMappings.Roles(item, "roles", expansions: false, groups: null),
        };
        item.Finish();
        return mapping;
    }
}
