using System.Text.Json.Nodes;
using Ferry.Core.Time;

namespace Ferry.Core.Resources.Codec;

/// <summary>The connectors' specs in the canonical tree; a secret that is not set is left out, as <c>tctl get</c> prints it.</summary>
internal static partial class ResourceTree
{
    private static JsonObject Github(GithubConnectorSpec spec) => Obj(
        ("api_endpoint_url", Optional(spec.ApiEndpointUrl)),
        ("client_id", spec.ClientId),
        ("client_secret", Optional(spec.ClientSecret)),
        ("display", Optional(spec.Display)),
        ("endpoint_url", Optional(spec.EndpointUrl)),
        ("redirect_url", spec.RedirectUrl),
        ("teams_to_roles", new JsonArray(spec.TeamsToRoles.Select(m => (JsonNode?)Obj(
            ("organization", m.Organization),
            ("roles", Strings(m.Roles)),
            ("team", m.Team))).ToArray())));

    private static JsonObject Oidc(OidcConnectorSpec spec) => Obj(
        ("claims_to_roles", new JsonArray(spec.ClaimsToRoles.Select(m => (JsonNode?)Obj(
            ("claim", m.Claim),
            ("roles", Strings(m.Roles)),
            ("value", m.Value))).ToArray())),
        ("client_id", spec.ClientId),
        ("client_secret", Optional(spec.ClientSecret)),
        ("display", Optional(spec.Display)),
        ("issuer_url", spec.IssuerUrl),
        ("max_age", spec.MaxAge is { } maxAge ? GoDuration.Format(maxAge) : null),
        ("pkce_mode", spec.PkceMode),
        // One URL prints as a string, as Teleport prints it; several as a list (both read back).
        ("redirect_url", spec.RedirectUrls.Count == 1 ? (JsonNode?)JsonValue.Create(spec.RedirectUrls[0]) : Strings(spec.RedirectUrls)),
        ("scope", spec.Scope.Count == 0 ? null : Strings(spec.Scope)));

    private static JsonObject Saml(SamlConnectorSpec spec) => Obj(
        ("acs", spec.Acs),
        ("allow_idp_initiated", spec.AllowIdpInitiated ? true : null),
        ("attributes_to_roles", new JsonArray(spec.AttributesToRoles.Select(m => (JsonNode?)Obj(
            ("name", m.Name),
            ("roles", Strings(m.Roles)),
            ("value", m.Value))).ToArray())),
        ("audience", Optional(spec.Audience)),
        ("display", Optional(spec.Display)),
        ("entity_descriptor", Optional(spec.EntityDescriptor)),
        ("entity_descriptor_url", Optional(spec.EntityDescriptorUrl)),
        ("service_provider_issuer", Optional(spec.ServiceProviderIssuer)),
        ("signing_key_pair", spec.SigningKeyPair is { } pair ? Obj(
            ("cert", pair.Cert),
            ("private_key", Optional(pair.PrivateKey))) : null));
}
