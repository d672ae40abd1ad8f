namespace Ferry.Web.Tests.Infrastructure.Idps;

/// <summary>
/// A real OpenID Provider (oidc-provider 9, <c>Sso/Idp/oidc.mjs</c>) at <see cref="Issuer"/> with one confidential client.
/// Authorization code flow; PKCE (S256) optional for the client but enforced once a code_challenge is sent; the token
/// endpoint takes client_secret_basic or client_secret_post; ID tokens are RS256 with a key made at start and carry
/// the nonce. Scope <c>email</c> gives <c>email</c>, scope <c>groups</c> gives <c>groups</c> and <c>aws_role_arns</c>,
/// in the ID token and from userinfo alike.
/// Its login page: <c>#login</c>, <c>#password</c>, <c>#submit</c>; a wrong password shows the form again with
/// <c>#error</c>. Consent is granted without a page. The authorization response also carries <c>iss</c> (RFC 9207).
/// The IdP keeps a session cookie: later sign-ins in the same browser context skip the form (as at a real IdP); use
/// a new context, or <c>prompt=login</c>, to see it again. No refresh tokens (no <c>offline_access</c>).
/// </summary>
internal sealed class OidcIdp : IAsyncDisposable
{
    private readonly NodeIdp _node;

    private OidcIdp(NodeIdp node)
    {
        _node = node;
    }

    /// <summary>http://127.0.0.1:PORT, no trailing slash: the <c>iss</c> of every token.</summary>
    public string Issuer => _node.BaseUrl;

    public string DiscoveryUrl => Issuer + "/.well-known/openid-configuration";

    /// <summary>What the provider printed (its errors name the failed check, e.g. a PKCE mismatch), for failure messages.</summary>
    public string Output => _node.Output;

    public static async Task<OidcIdp> StartAsync(string clientId, string clientSecret, IReadOnlyList<string> redirectUris, IReadOnlyList<IdpUser> users)
    {
        var node = await NodeIdp.StartAsync("oidc.mjs", port => new
        {
            Port = port,
            Clients = new[] { new { ClientId = clientId, ClientSecret = clientSecret, RedirectUris = redirectUris } },
            Users = users.Select(u => new
            {
                u.Id,
                u.Password,
                Claims = new { u.Email, u.Groups, u.AwsRoleArns, Name = u.Id },
            }),
        });
        return new OidcIdp(node);
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
