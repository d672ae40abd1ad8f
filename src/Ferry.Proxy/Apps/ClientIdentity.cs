using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Microsoft.AspNetCore.Http;

namespace Ferry.Proxy.Apps;

/// <summary>The caller's verified identity, when it presented a client certificate (TLS only proves key possession).</summary>
internal static class ClientIdentity
{
    public static (FerryIdentity Identity, X509Certificate2 Certificate)? TryGet(HttpContext context, IdentityVerifier verifier, out FerryException? error)
    {
        error = null;
        var certificate = context.Connection.ClientCertificate;
        if (certificate is null)
        {
            return null;
        }

        try
        {
            return (verifier.Verify(certificate), certificate);
        }
        catch (FerryException e)
        {
            error = e;
            return null;
        }
    }
}
