using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Microsoft.AspNetCore.Http;

namespace Ferry.Auth.Api;

/// <summary>
/// Finds the caller of an auth API request. Direct callers are their TLS client certificate. A proxy may act
/// for a user (tctl through tsh) by forwarding that user's certificate, which is verified again here: the
/// proxy vouches for possession of the key (it completed the TLS handshake with it), never for the identity.
/// </summary>
public sealed class CallerResolver
{
    private readonly IdentityVerifier _verifier;

    public CallerResolver(IdentityVerifier verifier)
    {
        _verifier = verifier;
    }

    private static string? ForwardedFor(HttpContext context)
    {
        var value = context.Request.Headers[ApiHeaders.ForwardedFor].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Split(',')[0].Trim();
    }

    public Caller Resolve(HttpContext context)
    {
        var certificate = context.Connection.ClientCertificate
            ?? throw FerryException.AccessDenied("a client certificate is required; log in with tsh login");
        var direct = _verifier.Verify(certificate);
        var remote = context.Connection.RemoteIpAddress?.ToString();
        if (!context.Request.Headers.TryGetValue(ApiHeaders.ForwardedCertificate, out var forwarded) || forwarded.Count == 0)
        {
            // A proxy acting as itself for an anonymous caller (tsh login, joins) reports that caller's address.
            return new Caller(direct, direct.HasSystemRole(SystemRoles.Proxy) ? ForwardedFor(context) ?? remote : remote, ViaProxy: false);
        }

        if (!direct.HasSystemRole(SystemRoles.Proxy))
        {
            throw FerryException.AccessDenied("only a proxy may forward another caller's identity");
        }

        X509Certificate2 user;
        try
        {
            user = X509CertificateLoader.LoadCertificate(Convert.FromBase64String(forwarded[0]!));
        }
        catch (Exception e) when (e is FormatException or CryptographicException)
        {
            throw FerryException.AccessDenied("the forwarded client certificate is malformed");
        }

        using (user)
        {
            var identity = _verifier.Verify(user);
            return new Caller(identity, ForwardedFor(context) ?? remote, ViaProxy: true);
        }
    }
}
