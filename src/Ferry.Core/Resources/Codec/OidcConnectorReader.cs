using Ferry.Core.Yaml;
using YamlDotNet.RepresentationModel;

namespace Ferry.Core.Resources.Codec;

/// <summary>
/// Reads <c>kind: oidc</c> (v3). The issuer's discovery document is not fetched here (that belongs to the login); the
/// file alone is checked. <c>client_secret</c> may be left out, as <c>tctl get</c> prints it (auth keeps the stored one).
/// </summary>
internal static class OidcConnectorReader
{
    private const string RedirectExample = "https://teleport.example.com/v1/webapi/oidc/callback";

    public static OidcConnector Read(YamlMap map, string? version)
    {
        ResourceReader.CheckVersion(map, ResourceKinds.Oidc, version, ["v3"]);
        var metadata = ResourceReader.ReadMetadata(map, ResourceNames.CheckConnectorName);
        var spec = ConnectorReaders.Spec(map, "issuer_url, client_id, client_secret, redirect_url and claims_to_roles");
        var oidcSpec = new OidcConnectorSpec();
        if (spec is not null)
        {
            var issuer = spec.String("issuer_url", required: true);
            ConnectorUrls.Check(spec, "issuer_url", issuer, required: true, "https://accounts.example.com");
            var maxAge = spec.Duration("max_age");
            if (maxAge < TimeSpan.Zero)
            {
                spec.Report("max_age", "max_age must not be negative", "e.g. 24h, or leave it out to let the issuer decide");
            }
            var pkce = spec.String("pkce_mode") ?? OidcConnector.PkceEnabled;
            if (!OidcConnector.PkceModes.Contains(pkce))
            {
                spec.Report("pkce_mode", $"unsupported pkce_mode \"{pkce}\"", Suggestions.Hint(pkce, OidcConnector.PkceModes, "use one of"));
            }
            oidcSpec = new OidcConnectorSpec
            {
                IssuerUrl = issuer ?? "",
                ClientId = spec.String("client_id", required: true) ?? "",
                ClientSecret = ConnectorReaders.NullIfEmpty(spec.String("client_secret")),
                RedirectUrls = ReadRedirectUrls(spec),
                Scope = ReadScope(spec),
                ClaimsToRoles = ConnectorMappings.Read(spec, "claims_to_roles", "{claim: groups, value: admins, roles: [access]}", ReadMapping),
                MaxAge = maxAge,
                PkceMode = pkce,
                Display = ConnectorReaders.NullIfEmpty(spec.String("display")),
            };
            spec.Finish();
        }
        return new OidcConnector { Version = version ?? "v3", Metadata = metadata, Spec = oidcSpec };
    }

    /// <summary>One URL or a list of them (one per proxy address), each ending in the OIDC callback path.</summary>
    private static IReadOnlyList<string> ReadRedirectUrls(YamlMap spec)
    {
        var urls = spec.StringList("redirect_url", allowSingle: true);
        if (urls is null)
        {
            if (spec.Get("redirect_url") is null)
            {
                spec.Report("redirect_url", "missing required key", $"add \"redirect_url:\" under {spec.Path}, e.g. {RedirectExample}");
            }
            return [];
        }
        if (urls.Count == 0)
        {
            spec.Report("redirect_url", "list at least one redirect URL", $"e.g. {RedirectExample}");
        }
        var single = spec.Get("redirect_url") is YamlScalarNode;
        for (var i = 0; i < urls.Count; i++)
        {
            var path = single ? null : YamlPath.Index(spec.PathOf("redirect_url"), i);
            if (ConnectorUrls.Check(spec, "redirect_url", urls[i], required: true, RedirectExample, path) is { } uri)
            {
                ConnectorUrls.CheckProxyPath(spec, "redirect_url", uri, OidcConnector.CallbackPath, path);
            }
        }
        return urls;
    }

    /// <summary>Scopes besides openid; each one word, since the request joins them with spaces.</summary>
    private static IReadOnlyList<string> ReadScope(YamlMap spec)
    {
        var scopes = spec.StringList("scope", allowSingle: false) ?? [];
        for (var i = 0; i < scopes.Count; i++)
        {
            if (scopes[i].Length == 0 || scopes[i].Any(char.IsWhiteSpace))
            {
                spec.Diagnostics.Report(spec.MarkOf("scope"), YamlPath.Index(spec.PathOf("scope"), i),
                    $"scope \"{scopes[i]}\" must be one word", "list each scope on its own line, e.g. scope: [email, groups]");
            }
        }
        return scopes;
    }

    private static ClaimMapping ReadMapping(YamlMap item)
    {
        string claim;
        if (item.Keys.Contains("name") && !item.Keys.Contains("claim"))
        {
            // The guide's OIDC example writes name:, which is SAML's key; say so instead of "unknown key".
            item.Ignore("name");
            item.Report("name", "OIDC mappings name the claim with claim:, not name:", "write claim: groups (name: is for SAML's attributes_to_roles)");
            claim = "";
        }
        else
        {
            claim = ConnectorMappings.Name(item, "claim");
        }
        var (value, groups) = ConnectorMappings.Value(item, "value");
        var mapping = new ClaimMapping
        {
            Claim = claim,
            Value = value,
            Roles = ConnectorMappings.Roles(item, "roles", expansions: true, groups),
        };
        item.Finish();
        return mapping;
    }
}
