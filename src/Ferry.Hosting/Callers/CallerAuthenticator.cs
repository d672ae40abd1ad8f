using System.Security.Cryptography;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Microsoft.AspNetCore.Http;

namespace Ferry.Hosting.Callers;

/// <summary>
/// The one way Ferry servers (auth, proxy, app agent) learn who is calling:
/// <code>
///   direct caller = the TLS client certificate, verified against the cluster CA of its kind
///                   (or, on an agent's tunnel, the proxy that the agent itself verified when it dialled)
///   X-Ferry-Forwarded-Cert present → honoured only from a Proxy, and verified again here: the proxy vouches that
///                   the caller holds the key (it completed TLS with it), never for the identity
///   X-Forwarded-For → honoured only from a Proxy
///   the acting identity then passes the component's gate (locks, revocations, stale state)
/// </code>
/// Verification results are cached by certificate hash (IdentityVerifier), so this costs a hash per request.
/// </summary>
public sealed class CallerAuthenticator
{
    private readonly IdentityVerifier _verifier;
    private readonly ICallerGate? _gate;
    private readonly FerryIdentity? _transportPeer;

    /// <param name="verifier">The cluster CAs.</param>
    /// <param name="gate">Locks and revocations; null only for tests of the resolution rules.</param>
    /// <param name="transportPeer">
    /// The identity behind connections without a client certificate when the transport itself is authenticated: an
    /// agent's tunnels are opened by the agent to a proxy it verified, so requests on them come from that proxy.
    /// </param>
    public CallerAuthenticator(IdentityVerifier verifier, ICallerGate? gate, FerryIdentity? transportPeer = null)
    {
        _verifier = verifier;
        _gate = gate;
        _transportPeer = transportPeer;
    }

    public IdentityVerifier Verifier => _verifier;

    /// <summary>The caller, or an AccessDenied/Unavailable error; a request without any identity is refused.</summary>
    public Caller Authenticate(HttpContext context) =>
        TryAuthenticate(context, out var error) ?? throw error ?? FerryException.AccessDenied("a client certificate is required; log in with tsh login");

    /// <summary>
    /// The caller; null with <paramref name="error"/> null when the request carries no identity at all (anonymous web
    /// API calls, browsers), null with an error when it carries one that does not verify or may not act.
    /// </summary>
    public Caller? TryAuthenticate(HttpContext context, out FerryException? error)
    {
        var check = Check(context);
        error = check.Refusal;
        return check.Refusal is null ? check.Caller : null;
    }

    /// <summary>
    /// The full verdict: <see cref="CallerCheck.Caller"/> is set whenever the identity verified, even when the gate
    /// refuses it (so a refusal can still be audited under the right user); <see cref="CallerCheck.Refusal"/> is why not.
    /// </summary>
    public CallerCheck Check(HttpContext context)
    {
        Caller? caller;
        try
        {
            caller = Resolve(context);
        }
        catch (FerryException e)
        {
            return new CallerCheck(null, e);
        }

        return new CallerCheck(caller, caller is null ? null : _gate?.Refusal(caller.Identity));
    }

    private Caller? Resolve(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress?.ToString();
        FerryIdentity direct;
        ReadOnlyMemory<byte> directDer;
        if (context.Connection.ClientCertificate is { } certificate)
        {
            direct = _verifier.Verify(certificate);
            directDer = certificate.RawDataMemory;
        }
        else if (_transportPeer is not null)
        {
            direct = _transportPeer;
            directDer = ReadOnlyMemory<byte>.Empty;
        }
        else
        {
            if (context.Request.Headers.ContainsKey(ApiHeaders.ForwardedCertificate))
            {
                throw FerryException.AccessDenied("only a proxy may forward another caller's identity");
            }

            return null;
        }

        var isProxy = direct.HasSystemRole(SystemRoles.Proxy);
        var reported = isProxy ? ForwardedFor(context) : null;
        var forwarded = context.Request.Headers[ApiHeaders.ForwardedCertificate].ToString();
        if (forwarded.Length == 0)
        {
            // A proxy acting as itself for an anonymous caller (tsh login, joins) reports that caller's address.
            return new Caller(direct, directDer, reported ?? remote, ViaProxy: false);
        }

        if (!isProxy)
        {
            throw FerryException.AccessDenied("only a proxy may forward another caller's identity");
        }

        byte[] der;
        try
        {
            der = Convert.FromBase64String(forwarded);
        }
        catch (FormatException)
        {
            throw FerryException.AccessDenied("the forwarded client certificate is malformed");
        }

        FerryIdentity identity;
        try
        {
            identity = _verifier.Verify(der);
        }
        catch (CryptographicException)
        {
            throw FerryException.AccessDenied("the forwarded client certificate is malformed");
        }

        return new Caller(identity, der, reported ?? remote, ViaProxy: true);
    }

    private static string? ForwardedFor(HttpContext context)
    {
        var value = context.Request.Headers[ApiHeaders.ForwardedFor].ToString();
        return string.IsNullOrWhiteSpace(value) ? null : value.Split(',')[0].Trim();
    }
}

/// <summary>Who called (null when anonymous or unverifiable) and, when they may not act, why.</summary>
public readonly record struct CallerCheck(Caller? Caller, FerryException? Refusal);
