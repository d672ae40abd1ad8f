using Ferry.Auth.Sso.Github;
using Ferry.Auth.Sso.Oidc;
using Ferry.Storage;

namespace Ferry.Auth.Sso;

/// <summary>The protocol flows auth ships, one per connector kind.</summary>
internal static class SsoFlows
{
    public static IReadOnlyList<IIdentityProviderFlow> All(IdpHttp http, IBackend backend, TimeProvider time) =>
    [
        new GithubFlow(http),
        new OidcFlow(http),
    ];
}
