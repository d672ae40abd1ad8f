using Ferry.Auth.Sso.Oidc;
using Ferry.Core.Resources;

namespace Ferry.Auth.Sso;

/// <summary>
/// What <c>tctl create</c> checks beyond the file itself: that an OIDC issuer's discovery document and signing keys,
/// and SAML metadata given by URL, can be read and make sense now, instead of at the first user's login.
/// </summary>
internal static class SsoConnectorProbe
{
    public static async ValueTask<(string Place, string Problem)?> CheckAsync(
        IAuthConnector connector, OidcFlow oidc, Func<SamlConnector, CancellationToken, ValueTask<string?>> saml, CancellationToken cancellationToken)
    {
        switch (connector)
        {
            case OidcConnector o when await oidc.ProbeAsync(o, cancellationToken) is { } problem:
                return ("spec.issuer_url", problem);
            case SamlConnector s when await saml(s, cancellationToken) is { } problem:
                return (s.Spec.EntityDescriptorUrl is null ? "spec.entity_descriptor" : "spec.entity_descriptor_url", problem);
            default:
                return null;
        }
    }
}
