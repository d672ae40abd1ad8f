using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Ferry.Core.Errors;
using Ferry.Core.Identity;
using Ferry.Core.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace Ferry.Integration.Tests.Trust;

/// <summary>
/// A client checks the system role in the server's certificate, not only the CA: an app agent's (or any other host's)
/// certificate from the same host CA never passes for the proxy or for auth. Certificates minted in code, a real
/// Kestrel TLS listener on loopback, the real client stack (ProxyClient → FerryHttp → ServerTrust).
/// </summary>
public sealed class ServerRoleTests
{
    [Theory]
    [InlineData(SystemRoles.App)]
    [InlineData(SystemRoles.Auth)]
    [InlineData(SystemRoles.Admin)]
    public async Task ProxyClient_RefusesAServerWhoseCertificateIsNotAProxys(string role)
    {
        using var ca = CertificateAuthority.Create("role.test", CaType.Host, TimeProvider.System);
        await using var server = await FakeServer.StartAsync(Issue(ca, role));
        using var client = new ProxyClient(server.Address, ServerTrust.ForProxy(ca.Certificate));

        var error = await Assert.ThrowsAsync<FerryException>(() => client.PingAsync(CancellationToken.None));

        Assert.Equal(ErrorKind.Unavailable, error.Kind);
        Assert.Contains($"its certificate belongs to a {role} host, not to a Proxy server", error.Message);
        Assert.Equal(0, server.Requests);
    }

    [Fact]
    public async Task ProxyClient_AcceptsAProxyCertificate_AndAuthTrustRefusesIt()
    {
        using var ca = CertificateAuthority.Create("role.test", CaType.Host, TimeProvider.System);
        await using var server = await FakeServer.StartAsync(Issue(ca, SystemRoles.Proxy));

        using (var proxy = new ProxyClient(server.Address, ServerTrust.ForProxy(ca.Certificate)))
        {
            Assert.Equal("role.test", (await proxy.PingAsync(CancellationToken.None)).ClusterName);
        }

        using var asAuth = new ApiCaller(FerryHttp.CreateClient(new Uri($"https://{server.Address}/v1/webapi/"), ServerTrust.ForAuth(ca.Certificate), (X509Certificate2?)null), "the auth server");
        var error = await Assert.ThrowsAsync<FerryException>(() => asAuth.GetAsync<Core.Api.PingResponse>("ping", CancellationToken.None));
        Assert.Contains("not to a Auth server", error.Message);
    }

    [Fact]
    public async Task ProxyClient_RefusesAProxyCertificateFromAnotherCluster()
    {
        using var ours = CertificateAuthority.Create("role.test", CaType.Host, TimeProvider.System);
        using var theirs = CertificateAuthority.Create("role.test", CaType.Host, TimeProvider.System);
        await using var server = await FakeServer.StartAsync(Issue(theirs, SystemRoles.Proxy));
        using var client = new ProxyClient(server.Address, ServerTrust.ForProxy(ours.Certificate));

        var error = await Assert.ThrowsAsync<FerryException>(() => client.PingAsync(CancellationToken.None));

        Assert.Contains("not issued by this cluster's host CA", error.Message);
    }

    private static X509Certificate2 Issue(CertificateAuthority ca, string role)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var identity = new FerryIdentity
        {
            Kind = IdentityKind.Host,
            Username = Guid.NewGuid().ToString(),
            Roles = [role],
            Expires = DateTimeOffset.UtcNow.AddHours(1),
            ClusterName = "role.test",
        };
        using var certificate = ca.Issue(new PublicKey(key), identity, TimeProvider.System, ["127.0.0.1", "localhost"]);
        return certificate.CopyWithPrivateKey(key);
    }

    /// <summary>A TLS server answering the proxy's ping, counting the requests that got through.</summary>
    private sealed class FakeServer : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private int _requests;

        private FakeServer(WebApplication app)
        {
            _app = app;
        }

        public string Address => new Uri(_app.Urls.First()).Authority;

        public int Requests => Volatile.Read(ref _requests);

        public static async Task<FakeServer> StartAsync(X509Certificate2 certificate)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
            var app = builder.Build();
            var server = new FakeServer(app);
            app.Run(async context =>
            {
                Interlocked.Increment(ref server._requests);
                await context.Response.WriteAsJsonAsync(new { cluster_name = "role.test", server_version = "0", second_factor = "off" });
            });
            await app.StartAsync();
            return server;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
