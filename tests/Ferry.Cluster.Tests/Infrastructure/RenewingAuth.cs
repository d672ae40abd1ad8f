using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Ferry.Client.Http;
using Ferry.Core.Api;
using Ferry.Core.Identity;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ferry.Cluster.Tests.Infrastructure;

/// <summary>
/// Auth's POST /v1/hosts/renew as the agent meets it: the caller is the host certificate it presented (verified
/// against the host CA), and the answer is a certificate for the posted key with the same host id, node name and
/// system role, 3 days long; or, while <see cref="Refuse"/> is set, a 403 in auth's error shape.
/// </summary>
internal sealed class RenewingAuth : IAsyncDisposable
{
    public static readonly TimeSpan HostCertTtl = TimeSpan.FromDays(3);

    private readonly ConcurrentQueue<RenewRequest> _requests = new();
    private FakeAuthServer _server = null!;

    private RenewingAuth(TestPki pki, TimeProvider time)
    {
        Pki = pki;
        Time = time;
    }

    public TestPki Pki { get; }

    public TimeProvider Time { get; }

    /// <summary>While set, the refusal auth gives (a host whose registration was removed).</summary>
    public string? Refuse { get; set; }

    public IReadOnlyList<RenewRequest> Requests => _requests.ToArray();

    public static async Task<RenewingAuth> StartAsync(TestPki pki, TimeProvider time)
    {
        var auth = new RenewingAuth(pki, time);
        auth._server = await FakeAuthServer.StartAsync(pki, app => app.MapPost("/v1/hosts/renew", auth.RenewAsync));
        return auth;
    }

    public AuthClient Client(Func<X509Certificate2?> clientCertificate) => _server.Client(clientCertificate);

    private async Task RenewAsync(HttpContext http)
    {
        var presented = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
        var body = await JsonSerializer.DeserializeAsync<RenewHostRequest>(http.Request.Body, ApiJson.Options, http.RequestAborted);
        var caller = presented is null ? null : Pki.Verifier(Time).Verify(presented);
        _requests.Enqueue(new RenewRequest(caller, body!.PublicKey));
        if (Refuse is { } message || caller is null)
        {
            http.Response.StatusCode = StatusCodes.Status403Forbidden;
            await http.Response.WriteAsJsonAsync(new ApiErrorBody(new ApiError("access_denied", Refuse ?? "a host certificate is required")), ApiJson.Options, http.RequestAborted);
            return;
        }

        using var key = ECDsa.Create();
        key.ImportFromPem(body.PublicKey);
        var identity = TestPki.HostIdentity(caller.Username, caller.Roles.Single(), Time.GetUtcNow() + HostCertTtl) with { NodeName = caller.NodeName };
        using var certificate = Pki.HostCa.Issue(new PublicKey(key), identity, Time);
        await http.Response.WriteAsJsonAsync(new RenewHostResponse { CertPem = certificate.ExportCertificatePem() }, ApiJson.Options, http.RequestAborted);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}

/// <summary>Who asked (null = no certificate) and for which public key (PEM).</summary>
internal sealed record RenewRequest(FerryIdentity? Caller, string PublicKeyPem);
