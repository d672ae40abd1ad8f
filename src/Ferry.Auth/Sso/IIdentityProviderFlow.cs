using Ferry.Core.Resources;

namespace Ferry.Auth.Sso;

/// <summary>One protocol's half of a browser login: where to send the browser, and what its answer proves.</summary>
internal interface IIdentityProviderFlow
{
    /// <summary><c>github</c>, <c>oidc</c> or <c>saml</c>.</summary>
    string Kind { get; }

    /// <summary>The identity provider's sign-in URL, and the request with what this protocol must remember (nonce, PKCE, request id).</summary>
    ValueTask<(Uri Redirect, SsoRequest Request)> BeginAsync(IAuthConnector connector, SsoRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Checks the provider's answer (<paramref name="parameters"/>: the callback's query or form) against the request it
    /// answers (null only for an IdP-initiated SAML response the connector allows). Refusals are AccessDenied with the reason.
    /// </summary>
    ValueTask<ExternalIdentity> CompleteAsync(IAuthConnector connector, SsoRequest? request, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken);
}
