namespace Ferry.Web.Tests.Infrastructure.Idps;

/// <summary>
/// A SAML 2.0 identity provider (samlify, <c>Sso/Idp/saml.mjs</c>) for one service provider. It takes AuthnRequests by
/// the HTTP-Redirect binding at <see cref="SsoUrl"/> and answers by the HTTP-POST binding: a self-submitting form
/// posting <c>SAMLResponse</c> and <c>RelayState</c> to the ACS. The Response carries InResponseTo = the request's ID,
/// Destination and Recipient = the ACS, Audience = the SP's entity ID, NameID = the user's email, and the attributes
/// <c>email</c>, <c>groups</c> and <c>aws_role_arns</c> (multi-valued); it is signed RSA-SHA256 with exc-c14n on the
/// assertion, the response or both (<c>sign</c>), never encrypted.
/// Its login page: <c>#login</c>, <c>#password</c>, <c>#submit</c>; a wrong password shows the form again with
/// <c>#error</c>. The post-back page also has a <c>#continue</c> button for when scripts are off. There is no IdP
/// session: every AuthnRequest shows the form. An AuthnRequest whose Issuer is not the SP's entity ID, or whose
/// AssertionConsumerServiceURL is not the ACS, is refused with a 400 page (<c>#error</c>).
/// </summary>
internal sealed class SamlTestIdp : IAsyncDisposable
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false });

    private readonly NodeIdp _node;

    private SamlTestIdp(NodeIdp node, string metadata)
    {
        _node = node;
        Metadata = metadata;
    }

    public string BaseUrl => _node.BaseUrl;

    /// <summary>The IdP's entity ID (the Issuer of its responses): its metadata URL, as many IdPs do.</summary>
    public string EntityId => BaseUrl + "/metadata";

    public string MetadataUrl => BaseUrl + "/metadata";

    /// <summary>The SingleSignOnService location (HTTP-Redirect).</summary>
    public string SsoUrl => BaseUrl + "/sso";

    /// <summary>The EntityDescriptor XML, fetched once at start.</summary>
    public string Metadata { get; }

    /// <summary>The signing certificate as PEM (the one in the metadata), for an SP configured with sso + cert instead of metadata.</summary>
    public string CertificatePem => File.ReadAllText(Path.Combine(_node.Directory, "idp-cert.pem"));

    public string Output => _node.Output;

    /// <summary>An IdP-initiated sign-in (an unsolicited Response, no InResponseTo): opening it posts straight to the ACS.</summary>
    public string IdpInitiatedUrl(IdpUser user, string? relayState = null) =>
        $"{BaseUrl}/idp-initiated?user={Uri.EscapeDataString(user.Id)}&password={Uri.EscapeDataString(user.Password)}"
        + (relayState is null ? "" : "&RelayState=" + Uri.EscapeDataString(relayState));

    /// <param name="sign"><c>assertion</c>, <c>response</c> or <c>both</c>: which element carries the signature.</param>
    public static async Task<SamlTestIdp> StartAsync(string spEntityId, string acs, IReadOnlyList<IdpUser> users, string sign = "assertion")
    {
        if (sign is not ("assertion" or "response" or "both"))
        {
            throw new ArgumentException("sign must be assertion, response or both", nameof(sign));
        }

        var node = await NodeIdp.StartAsync("saml.mjs", port => new
        {
            Port = port,
            Sp = new { EntityId = spEntityId, Acs = acs },
            Users = users.Select(u => new
            {
                u.Id,
                u.Password,
                u.Email,
                Attributes = new { u.Groups, u.AwsRoleArns },
            }),
            Sign = sign,
        });
        try
        {
            return new SamlTestIdp(node, await Http.GetStringAsync(node.BaseUrl + "/metadata"));
        }
        catch
        {
            await node.DisposeAsync();
            throw;
        }
    }

    public ValueTask DisposeAsync() => _node.DisposeAsync();
}
