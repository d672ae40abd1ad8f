using System.Security.Cryptography;
using Ferry.Core.Errors;
using Ferry.Core.Resources;
using Ferry.Storage;

namespace Ferry.Auth.Sso.Saml;

/// <summary>
/// SAML 2.0 Web Browser SSO (docs/sso.md): an AuthnRequest by the HTTP-Redirect binding (signed with the connector's
/// key pair), the answer by HTTP-POST to the ACS. Every rule about the answer lives in <see cref="SamlResponseValidator"/>;
/// this class supplies what it checks against (the provider's metadata, the ACS, the audience, the request it answers)
/// and accepts each assertion once (<see cref="SamlAssertionLedger"/>).
/// </summary>
internal sealed class SamlFlow : IIdentityProviderFlow
{
    private readonly IdpHttp _http;
    private readonly SamlAssertionLedger _ledger;
    private readonly TimeProvider _time;

    public SamlFlow(IdpHttp http, IBackend backend, TimeProvider time)
    {
        _http = http;
        _ledger = new SamlAssertionLedger(backend);
        _time = time;
    }

    public string Kind => ResourceKinds.Saml;

    public async ValueTask<(Uri Redirect, SsoRequest Request)> BeginAsync(IAuthConnector connector, SsoRequest request, CancellationToken cancellationToken)
    {
        var saml = (SamlConnector)connector;
        var idp = await IdpAsync(saml, cancellationToken);
        var requestId = "_" + Core.Security.Secrets.New(16);
        using var key = SigningKey(saml);
        var redirect = SamlAuthnRequest.BuildRedirect(idp, requestId, ServiceProvider(saml), saml.Spec.Acs, request.Id, _time.GetUtcNow(), key);
        return (redirect, request with { SamlRequestId = requestId, CallbackUrl = saml.Spec.Acs });
    }

    public async ValueTask<ExternalIdentity> CompleteAsync(IAuthConnector connector, SsoRequest? request, IReadOnlyDictionary<string, string> parameters, CancellationToken cancellationToken)
    {
        var saml = (SamlConnector)connector;
        var response = parameters.GetValueOrDefault("SAMLResponse");
        if (string.IsNullOrEmpty(response))
        {
            throw FerryException.AccessDenied("SAML response refused: the identity provider posted no SAMLResponse");
        }

        var idp = await IdpAsync(saml, cancellationToken);
        var assertion = SamlResponseValidator.Validate(response, new SamlExpectations
        {
            Idp = idp,
            Acs = saml.Spec.Acs,
            Audience = saml.Spec.Audience ?? ServiceProvider(saml),
            Now = _time.GetUtcNow(),
            ExpectedRequestId = request?.SamlRequestId,
            AllowIdpInitiated = request is null && saml.Spec.AllowIdpInitiated,
        });
        await _ledger.AcceptOnceAsync(idp.EntityId, assertion.Id, assertion.NotOnOrAfter, cancellationToken);
        var attributes = assertion.Attributes.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new ExternalIdentity(assertion.NameId, assertion.NameId, attributes, attributes, assertion.SessionNotOnOrAfter);
    }

    /// <summary>For tctl create: metadata given by URL can be read and describes an identity provider Ferry can use.</summary>
    public async ValueTask<string?> ProbeAsync(SamlConnector saml, CancellationToken cancellationToken)
    {
        try
        {
            await IdpAsync(saml, cancellationToken);
            return null;
        }
        catch (FerryException e)
        {
            return e.Message;
        }
    }

    /// <summary>The provider as its metadata says: pasted in the connector, or read from entity_descriptor_url at each login.</summary>
    private async Task<SamlIdp> IdpAsync(SamlConnector saml, CancellationToken cancellationToken)
    {
        var xml = saml.Spec.EntityDescriptor;
        if (string.IsNullOrWhiteSpace(xml))
        {
            var url = saml.Spec.EntityDescriptorUrl ?? throw FerryException.BadParameter($"saml connector \"{saml.Name}\" has neither entity_descriptor nor entity_descriptor_url");
            xml = await _http.GetTextAsync(new Uri(url), "the SAML metadata", cancellationToken);
        }

        return SamlIdpMetadata.Parse(xml, saml.Name);
    }

    private static string ServiceProvider(SamlConnector saml) => saml.Spec.ServiceProviderIssuer ?? saml.Spec.Acs;

    private static RSA? SigningKey(SamlConnector saml)
    {
        if (saml.Spec.SigningKeyPair?.PrivateKey is not { Length: > 0 } pem)
        {
            return null;
        }

        var key = RSA.Create();
        key.ImportFromPem(pem);
        return key;
    }
}
