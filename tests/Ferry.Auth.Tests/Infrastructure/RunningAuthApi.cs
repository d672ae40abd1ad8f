using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Auth.Hosting;
using Ferry.Core.Api;
using Ferry.Core.Identity;
using Ferry.Storage;
using Ferry.Storage.Audit;
using Microsoft.AspNetCore.Builder;

namespace Ferry.Auth.Tests.Infrastructure;

/// <summary>
/// The real auth API (<see cref="AuthHost"/>) on a loopback port over <see cref="AuthFixture"/>, with a server
/// certificate from the host CA (role Auth, SAN 127.0.0.1), and HTTP clients that present certificates minted here.
/// The fake clock is moved to the real time first: TLS peers check certificates against the real clock.
/// </summary>
internal sealed class RunningAuthApi : IAsyncDisposable
{
    private RunningAuthApi(AuthFixture auth, WebApplication app, X509Certificate2 serverCertificate, Uri address)
    {
        Auth = auth;
        App = app;
        ServerCertificate = serverCertificate;
        Address = address;
    }

    public AuthFixture Auth { get; }
    public AuthServer Server => Auth.Server;
    public WebApplication App { get; }
    public X509Certificate2 ServerCertificate { get; }

    /// <summary>https://127.0.0.1:PORT/ (the API is under v1/).</summary>
    public Uri Address { get; }

    public static async Task<RunningAuthApi> StartAsync()
    {
        var auth = await AuthFixture.StartAsync();
        auth.Time.SetUtcNow(DateTimeOffset.UtcNow);
        var serverCertificate = HostCertificate(auth.Server, "auth-under-test", Core.Resources.SystemRoles.Auth, ["127.0.0.1"]);
        var app = AuthHost.Build(auth.Server, new IPEndPoint(IPAddress.Loopback, 0), () => serverCertificate, _ => { });
        await app.StartAsync();
        var port = new Uri(app.Urls.First()).Port;
        return new RunningAuthApi(auth, app, serverCertificate, new Uri($"https://127.0.0.1:{port}/"));
    }

    /// <summary>A user (or, with a route, app) certificate with its private key, valid for an hour.</summary>
    public X509Certificate2 UserCertificate(string user, IReadOnlyList<string> roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = Server.Issuer.IssueUser(key.ExportSubjectPublicKeyInfoPem(), UserIdentity(user, roles, traits));
        return certificate.CopyWithPrivateKey(key);
    }

    public FerryIdentity UserIdentity(string user, IReadOnlyList<string> roles, IReadOnlyDictionary<string, IReadOnlyList<string>>? traits = null) => new()
    {
        Kind = IdentityKind.User,
        Username = user,
        Roles = roles,
        Traits = traits ?? new Dictionary<string, IReadOnlyList<string>>(),
        Expires = Server.Time.GetUtcNow().AddHours(1),
        ClusterName = Server.ClusterName,
    };

    /// <summary>A host certificate with its private key, straight from the host CA (no registration).</summary>
    public static X509Certificate2 HostCertificate(AuthServer server, string hostId, string systemRole, IReadOnlyList<string>? dnsNames = null)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = server.Issuer.IssueHost(key, hostId, hostId, systemRole, dnsNames ?? [], TimeSpan.FromHours(1));
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>A PEM certificate issued for <paramref name="key"/> (a join's or login's answer), with that key.</summary>
    public static X509Certificate2 WithKey(string certificatePem, ECDsa key)
    {
        using var certificate = X509Certificate2.CreateFromPem(certificatePem);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>
    /// A client of <paramref name="address"/> that trusts exactly <paramref name="serverCertificate"/>, presents
    /// <paramref name="clientCertificate"/> (none when null) and, when given, forwards <paramref name="forwarded"/>
    /// in X-Ferry-Forwarded-Cert the way a proxy does.
    /// </summary>
    public static HttpClient Client(Uri address, X509Certificate2 serverCertificate, X509Certificate2? clientCertificate, X509Certificate2? forwarded = null)
    {
        var handler = new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false, UseCookies = false };
        var pinned = serverCertificate.RawData;
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetRawCertData().AsSpan().SequenceEqual(pinned);
        if (clientCertificate is not null)
        {
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => clientCertificate;
        }

        var client = new HttpClient(handler) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(20) };
        if (forwarded is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation(ApiHeaders.ForwardedCertificate, Convert.ToBase64String(forwarded.RawData));
        }

        return client;
    }

    public HttpClient Client(X509Certificate2? clientCertificate, X509Certificate2? forwarded = null) => Client(Address, ServerCertificate, clientCertificate, forwarded);

    /// <summary>Everything in storage (key, revision, value hash) and every audit event: what "nothing changed" compares.</summary>
    public async Task<StorageSnapshot> SnapshotAsync()
    {
        var (start, end) = KeyRange.Prefix("/");
        var items = (await Server.Backend.GetRangeAsync(start, end, 0, CancellationToken.None))
            .Select(i => $"{i.Key} r{i.Revision} {Convert.ToHexString(SHA256.HashData(i.Value.Span))[..16]}")
            .ToList();
        var events = await Server.Audit.SearchAsync(new AuditQuery { Limit = AuditQuery.MaxLimit }, CancellationToken.None);
        Assert.Null(events.NextCursor);
        return new StorageSnapshot(items, events.Events.Select(e => $"{e.Type} {e.Id}").Order(StringComparer.Ordinal).ToList());
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        await Auth.DisposeAsync();
    }
}

internal sealed record StorageSnapshot(IReadOnlyList<string> Items, IReadOnlyList<string> AuditEvents)
{
    public void AssertUnchangedSince(StorageSnapshot before)
    {
        Assert.Equal(before.Items, Items);
        Assert.Equal(before.AuditEvents, AuditEvents);
    }
}
