using Ferry.Core.Resources;
using Ferry.Core.Sso;

namespace Ferry.Auth.Sso;

/// <summary>The roles a connector's mappings give an identity, in mapping order, each once.</summary>
internal static class SsoRoles
{
    /// <summary>The key of <see cref="ExternalIdentity.Matches"/> holding a GitHub user's teams as "org/team-slug".</summary>
    public const string GithubTeams = "teams";

    public static IReadOnlyList<string> Map(IAuthConnector connector, ExternalIdentity identity)
    {
        var roles = new List<string>();
        switch (connector)
        {
            case GithubConnector github:
                var teams = identity.Matches.GetValueOrDefault(GithubTeams) ?? [];
                foreach (var mapping in github.Spec.TeamsToRoles)
                {
                    // GitHub organisation logins and team slugs are case-insensitive.
                    if (teams.Contains($"{mapping.Organization}/{mapping.Team}", StringComparer.OrdinalIgnoreCase))
                    {
                        roles.AddRange(mapping.Roles);
                    }
                }

                break;
            case OidcConnector oidc:
                foreach (var mapping in oidc.Spec.ClaimsToRoles)
                {
                    roles.AddRange(Matching(identity, mapping.Claim, mapping.Value, mapping.Roles));
                }

                break;
            case SamlConnector saml:
                foreach (var mapping in saml.Spec.AttributesToRoles)
                {
                    roles.AddRange(Matching(identity, mapping.Name, mapping.Value, mapping.Roles));
                }

                break;
        }

        return roles.Where(r => r.Length > 0).Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// For the "no mapping matched" refusal: the values the mappings looked at, so the user (and the administrator
    /// reading the audit log) sees what the provider sent, without everything else it sent.
    /// </summary>
    public static string DescribeSeen(IAuthConnector connector, ExternalIdentity identity)
    {
        var names = connector switch
        {
            GithubConnector => [GithubTeams],
            OidcConnector oidc => oidc.Spec.ClaimsToRoles.Select(m => m.Claim),
            SamlConnector saml => saml.Spec.AttributesToRoles.Select(m => m.Name),
            _ => [],
        };
        var parts = names.Distinct(StringComparer.Ordinal).Select(name =>
            identity.Matches.TryGetValue(name, out var values) && values.Count > 0
                ? $"{name}=[{string.Join(", ", values.Take(20).Select(Shorten))}{(values.Count > 20 ? ", ..." : "")}]"
                : $"{name}=(none)");
        return string.Join("; ", parts);
    }

    private static IEnumerable<string> Matching(ExternalIdentity identity, string name, string pattern, IReadOnlyList<string> roles) =>
        (identity.Matches.GetValueOrDefault(name) ?? []).SelectMany(value => ConnectorRoleMatch.Apply(pattern, value, roles) ?? []);

    private static string Shorten(string value) => value.Length <= 100 ? value : value[..100] + "…";
}
