using System.Security.Cryptography;
using System.Text;
using Ferry.Core.Errors;
using Ferry.Storage;

namespace Ferry.Auth.Sso.Saml;

/// <summary>
/// Accepts each assertion once: its id (per identity provider) is written with create-if-absent and kept until the
/// assertion could no longer be valid anyway, so a captured SAMLResponse posted again is refused, on any auth server.
/// </summary>
public sealed class SamlAssertionLedger
{
    public const string Prefix = "/sso/saml_assertions/";

    private readonly IBackend _backend;

    public SamlAssertionLedger(IBackend backend)
    {
        _backend = backend;
    }

    public async ValueTask AcceptOnceAsync(string idpEntityId, string assertionId, DateTimeOffset notOnOrAfter, CancellationToken ct)
    {
        var key = Prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idpEntityId + "\n" + assertionId)));
        try
        {
            await _backend.CreateAsync(Item.Create(key, "1"u8.ToArray(), notOnOrAfter + SamlExpectations.DefaultSkew), ct);
        }
        catch (FerryException e) when (e.Kind == ErrorKind.AlreadyExists)
        {
            throw SamlResponseValidator.Refuse($"assertion {SamlXml.Short(assertionId)} was already used (a replayed response)");
        }
    }
}
