using System.Net;
using System.Security.Cryptography.X509Certificates;
using Ferry.Client.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ferry.Cluster.Tests.Infrastructure;

/// <summary>
/// Stands in for the auth server's API: a real Kestrel HTTPS listener on 127.0.0.1:0 with a host-CA certificate of role
/// Auth (so clients built the production way, <see cref="ServerTrust.ForAuth"/>, accept it), client certificates asked
/// for but not required, and whatever endpoints the test maps under /v1/.
/// </summary>
internal sealed class FakeAuthServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly X509Certificate2 _hostCa;

    private FakeAuthServer(WebApplication app, X509Certificate2 hostCa, Uri apiBase)
    {
        _app = app;
        _hostCa = hostCa;
        ApiBase = apiBase;
    }

    /// <summary>https://127.0.0.1:PORT/v1/, what AuthClient's relative paths resolve against.</summary>
    public Uri ApiBase { get; }

    public static async Task<FakeAuthServer> StartAsync(TestPki pki, Action<IEndpointRouteBuilder> map)
    {
        var serverCertificate = pki.AuthServerCertificate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(2));
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(new HttpsConnectionAdapterOptions
        {
            ServerCertificate = serverCertificate,
            ClientCertificateMode = ClientCertificateMode.AllowCertificate,
            ClientCertificateValidation = (_, _, _) => true,
        })));
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
        return new FakeAuthServer(app, pki.HostCa.Certificate, new Uri($"https://127.0.0.1:{address.Port}/v1/"));
    }

    /// <summary>An API client built as cluster components build theirs: https, the host CA, the Auth role.</summary>
    public AuthClient Client(Func<X509Certificate2?>? clientCertificate = null) =>
        new(new ApiCaller(FerryHttp.CreateClient(ApiBase, ServerTrust.ForAuth(_hostCa), clientCertificate), "the test auth server"));

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
