using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Cluster.Tests.Infrastructure;
using Ferry.Core.Api;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Ferry.Hosting.Callers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;

namespace Ferry.Hosting.Tests.Callers;

/// <summary>
/// The one caller rule shared by auth, proxy and agent (src/Ferry.Hosting/Callers/CallerAuthenticator.cs): the TLS
/// client certificate verified against the CA of its kind, X-Ferry-Forwarded-Cert and X-Forwarded-For honoured only
/// from a Proxy (the forwarded certificate verified again), then the component's gate.
/// </summary>
public sealed class CallerAuthenticatorTests : IDisposable
{
    private const string Socket = "10.0.0.5";
    private const string Client = "203.0.113.9";

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly TestPki _pki;
    private readonly TestPki _foreign;
    private readonly Dictionary<string, X509Certificate2> _certificates;

    public CallerAuthenticatorTests()
    {
        _pki = new TestPki(_time);
        _foreign = new TestPki(_time);
        _certificates = new Dictionary<string, X509Certificate2>(StringComparer.Ordinal)
        {
            ["alice"] = _pki.User("alice", "access"),
            ["bob"] = _pki.User("bob", "access"),
            ["proxy"] = _pki.Host("proxy-1", SystemRoles.Proxy),
            ["app"] = _pki.Host("agent-1", SystemRoles.App),
            ["auth"] = _pki.Host("auth-1", SystemRoles.Auth),
            ["expired-alice"] = _pki.User("alice", ["access"], TimeSpan.FromMinutes(1)),
            ["foreign-alice"] = _foreign.User("alice", "access"),
            ["foreign-proxy"] = _foreign.Host("proxy-1", SystemRoles.Proxy),
            // The user CA cannot make a proxy: a host identity is only believed from the host CA.
            ["user-ca-proxy"] = _pki.Issue(_pki.UserCa, TestPki.HostIdentity("proxy-1", SystemRoles.Proxy, _time.GetUtcNow().AddDays(1))),
            ["no-identity"] = PlainCertificate(),
        };
        _time.Advance(TimeSpan.FromMinutes(2)); // "expired-alice" is now past its NotAfter; the others are valid
    }

    /// <summary>
    /// direct = the TLS client certificate; forwarded = what X-Ferry-Forwarded-Cert carries (a certificate's name, or
    /// "not-base64" / "not-a-certificate"); then the user the request acts for, whether a proxy forwarded it, the
    /// address recorded, or the refusal's words. No user and no error = anonymous.
    /// </summary>
    [Theory]
    // Direct callers.
    [InlineData("alice", null, null, "alice", false, Socket, null)]
    [InlineData("proxy", null, null, "proxy-1", false, Socket, null)]
    [InlineData(null, null, null, null, false, null, null)]
    [InlineData(null, null, Client, null, false, null, null)]
    // X-Forwarded-For is believed from a proxy only.
    [InlineData("alice", null, Client, "alice", false, Socket, null)]
    [InlineData("app", null, Client, "agent-1", false, Socket, null)]
    [InlineData("proxy", null, Client + ", 10.9.9.9", "proxy-1", false, Client, null)]
    // A proxy forwarding a user's certificate.
    [InlineData("proxy", "alice", null, "alice", true, Socket, null)]
    [InlineData("proxy", "alice", Client, "alice", true, Client, null)]
    // Only a proxy may forward.
    [InlineData(null, "alice", null, null, false, null, "only a proxy may forward")]
    [InlineData("app", "alice", Client, null, false, null, "only a proxy may forward")]
    [InlineData("auth", "alice", null, null, false, null, "only a proxy may forward")]
    [InlineData("bob", "alice", null, null, false, null, "only a proxy may forward")]
    [InlineData("foreign-proxy", "alice", null, null, false, null, "not issued by this cluster")]
    [InlineData("user-ca-proxy", "alice", null, null, false, null, "not issued by this cluster")]
    // What a proxy forwards is verified again.
    [InlineData("proxy", "not-base64", null, null, false, null, "malformed")]
    [InlineData("proxy", "not-a-certificate", null, null, false, null, "malformed")]
    [InlineData("proxy", "no-identity", null, null, false, null, "carries no Ferry identity")]
    [InlineData("proxy", "foreign-alice", null, null, false, null, "not issued by this cluster")]
    [InlineData("proxy", "expired-alice", null, null, false, null, "expired")]
    // Direct certificates that do not verify.
    [InlineData("foreign-alice", null, null, null, false, null, "not issued by this cluster")]
    [InlineData("expired-alice", null, null, null, false, null, "expired")]
    [InlineData("no-identity", null, null, null, false, null, "carries no Ferry identity")]
    public void Check_Request_ResolvesTheCallerByTheOneRule(
        string? direct, string? forwarded, string? forwardedFor, string? user, bool viaProxy, string? remote, string? refusal)
    {
        var check = new CallerAuthenticator(_pki.Verifier(), gate: null).Check(Request(direct, forwarded, forwardedFor));

        if (refusal is not null)
        {
            Assert.Null(check.Caller);
            Assert.Equal(ErrorKind.AccessDenied, check.Refusal?.Kind);
            Assert.Contains(refusal, check.Refusal?.Message, StringComparison.Ordinal);
            return;
        }

        Assert.Null(check.Refusal);
        if (user is null)
        {
            Assert.Null(check.Caller);
            return;
        }

        Assert.NotNull(check.Caller);
        Assert.Equal(user, check.Caller.Identity.Username);
        Assert.Equal(viaProxy, check.Caller.ViaProxy);
        Assert.Equal(remote, check.Caller.RemoteAddr);
        var actingCertificate = _certificates[forwarded ?? direct!];
        Assert.True(check.Caller.CertificateDer.Span.SequenceEqual(actingCertificate.RawData));
    }

    [Fact]
    public void TryAuthenticate_Anonymous_ReturnsNullWithoutError_AndAuthenticateRefuses()
    {
        var callers = new CallerAuthenticator(_pki.Verifier(), new FakeGate());

        Assert.Null(callers.TryAuthenticate(Request(null, null, null), out var error));
        Assert.Null(error);
        var refused = Assert.Throws<FerryException>(() => callers.Authenticate(Request(null, null, null)));
        Assert.Equal(ErrorKind.AccessDenied, refused.Kind);
    }

    [Fact]
    public void Check_GateRefuses_ReturnsTheVerifiedCallerAndTheRefusal()
    {
        var gate = new FakeGate { Refused = "alice" };
        var callers = new CallerAuthenticator(_pki.Verifier(), gate);

        var check = callers.Check(Request("proxy", "alice", Client));

        Assert.Equal("alice", check.Caller?.Identity.Username);
        Assert.True(check.Caller?.ViaProxy);
        Assert.Same(gate.Refusal, check.Refusal);
        Assert.Null(callers.TryAuthenticate(Request("proxy", "alice", Client), out var error));
        Assert.Same(gate.Refusal, error);
        Assert.Same(gate.Refusal, Assert.Throws<FerryException>(() => callers.Authenticate(Request("alice", null, null))));
    }

    [Fact]
    public void Check_ForwardedUser_AsksTheGateAboutTheUserNotTheProxy()
    {
        var gate = new FakeGate();
        var callers = new CallerAuthenticator(_pki.Verifier(), gate);

        Assert.NotNull(callers.Authenticate(Request("proxy", "alice", null)));
        Assert.NotNull(callers.Authenticate(Request("bob", null, null)));
        callers.TryAuthenticate(Request(null, null, null), out _);
        callers.TryAuthenticate(Request("app", "alice", null), out _);

        Assert.Equal(["alice", "bob"], gate.Asked);
    }

    [Fact]
    public void Check_TransportPeer_AcceptsAForwardedUser()
    {
        var callers = new CallerAuthenticator(_pki.Verifier(), new FakeGate(), TunnelPeer());

        var caller = callers.Authenticate(Request(null, "alice", Client));

        Assert.Equal("alice", caller.Identity.Username);
        Assert.False(caller.Identity.IsHost);
        Assert.True(caller.ViaProxy);
        Assert.Equal(Client, caller.RemoteAddr);
        Assert.True(caller.CertificateDer.Span.SequenceEqual(_certificates["alice"].RawData));
    }

    [Fact]
    public void Check_TransportPeerBareRequest_IsTheProxyItselfNeverAUser()
    {
        // The agent refuses it further on (AgentRequestHandler wants a user with an app route); here it must not
        // come out as anyone but the tunnel's proxy, and never as a user.
        var peer = TunnelPeer();
        var callers = new CallerAuthenticator(_pki.Verifier(), new FakeGate(), peer);

        var check = callers.Check(Request(null, null, Client));

        Assert.Null(check.Refusal);
        Assert.Same(peer, check.Caller?.Identity);
        Assert.True(check.Caller?.Identity.IsHost);
        Assert.False(check.Caller?.ViaProxy);
        Assert.True(check.Caller?.CertificateDer.IsEmpty);
    }

    [Theory]
    [InlineData("not-base64", "malformed")]
    [InlineData("foreign-alice", "not issued by this cluster")]
    [InlineData("expired-alice", "expired")]
    public void Check_TransportPeerForwardsABadCertificate_Refuses(string forwarded, string refusal)
    {
        var check = new CallerAuthenticator(_pki.Verifier(), new FakeGate(), TunnelPeer()).Check(Request(null, forwarded, null));

        Assert.Null(check.Caller);
        Assert.Contains(refusal, check.Refusal?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Check_TransportPeerButAClientCertificate_TheCertificateSpeaks()
    {
        // A connection with a certificate of its own is that certificate's, not the tunnel's: a user may not forward.
        var check = new CallerAuthenticator(_pki.Verifier(), new FakeGate(), TunnelPeer()).Check(Request("bob", "alice", null));

        Assert.Null(check.Caller);
        Assert.Contains("only a proxy may forward", check.Refusal?.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Actor_HostAndUser_NameThemForTheAuditLog()
    {
        var callers = new CallerAuthenticator(_pki.Verifier(), gate: null);

        Assert.Equal("Proxy:proxy-1", callers.Authenticate(Request("proxy", null, null)).Actor);
        Assert.Equal("alice", callers.Authenticate(Request("proxy", "alice", null)).Actor);
    }

    private DefaultHttpContext Request(string? direct, string? forwarded, string? forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = IPAddress.Parse(Socket);
        context.Connection.ClientCertificate = direct is null ? null : _certificates[direct];
        if (forwarded is not null)
        {
            context.Request.Headers[ApiHeaders.ForwardedCertificate] = forwarded switch
            {
                "not-base64" => "%%% not base64 %%%",
                "not-a-certificate" => Convert.ToBase64String(RandomNumberGenerator.GetBytes(300)),
                _ => Convert.ToBase64String(_certificates[forwarded].RawData),
            };
        }

        if (forwardedFor is not null)
        {
            context.Request.Headers[ApiHeaders.ForwardedFor] = forwardedFor;
        }

        return context;
    }

    private FerryIdentity TunnelPeer() => new()
    {
        Kind = IdentityKind.Host,
        Username = "proxy",
        Roles = [SystemRoles.Proxy],
        Expires = DateTimeOffset.MaxValue,
        ClusterName = TestPki.ClusterName,
    };

    private X509Certificate2 PlainCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=alice", key, HashAlgorithmName.SHA256);
        var now = _time.GetUtcNow();
        return request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
    }

    public void Dispose()
    {
        foreach (var certificate in _certificates.Values)
        {
            certificate.Dispose();
        }

        _pki.Dispose();
        _foreign.Dispose();
    }

    /// <summary>Refuses one user by name, and records whom it was asked about.</summary>
    private sealed class FakeGate : ICallerGate
    {
        public string? Refused { get; init; }

        public FerryException Refusal { get; } = FerryException.AccessDenied("access is locked (lock test targeting user \"alice\")");

        public List<string> Asked { get; } = [];

        FerryException? ICallerGate.Refusal(FerryIdentity identity)
        {
            Asked.Add(identity.Username);
            return identity.Username == Refused ? Refusal : null;
        }
    }
}
