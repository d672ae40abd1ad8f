using Ferry.Auth.Sso.Github;
using Ferry.Auth.Sso.Oidc;
using Ferry.Auth.Sso.Saml;
using Ferry.Core.Resources;
using Ferry.Storage;

namespace Ferry.Auth.Sso;

/// <summary>The protocol flows auth ships, one per connector kind, and what they check when a connector is stored.</summary>
internal sealed class SsoFlows
{
    private readonly OidcFlow _oidc;
    private readonly SamlFlow _saml;

    public SsoFlows(IdpHttp http, IBackend backend, TimeProvider time)
    {
        _oidc = new OidcFlow(http);
        _saml = new SamlFlow(http, backend, time);
        All = [new GithubFlow(http), _oidc, _saml];
    }

    public IReadOnlyList<IIdentityProviderFlow> All { get; }

    /// <summary>For <see cref="Connectors.ConnectorService.Probe"/>.</summary>
    public ValueTask<(string Place, string Problem)?> ProbeAsync(IAuthConnector connector, CancellationToken cancellationToken) =>
        SsoConnectorProbe.CheckAsync(connector, _oidc, _saml.ProbeAsync, cancellationToken);
}
