using System.Security.Cryptography.X509Certificates;
using Ferry.Core.Api;

namespace Ferry.Client.Http;

/// <summary>The proxy's public web API: what a client uses before it holds a certificate.</summary>
public sealed class ProxyClient : IDisposable
{
    private readonly ApiCaller _api;

    public ProxyClient(string proxyAddress, ServerTrust trust)
    {
        ProxyAddress = proxyAddress;
        _api = new ApiCaller(FerryHttp.CreateClient(new Uri($"https://{proxyAddress}/v1/webapi/"), trust, (X509Certificate2?)null), $"the proxy at {proxyAddress}");
    }

    public string ProxyAddress { get; }

    public Task<PingResponse> PingAsync(CancellationToken ct) => _api.GetAsync<PingResponse>("ping", ct);

    public Task<CaResponse> CasAsync(CancellationToken ct) => _api.GetAsync<CaResponse>("cas", ct);

    public Task<LoginResponse> LoginAsync(LoginRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<LoginResponse>(HttpMethod.Post, "login", request, ct);

    public Task<SsoConnectorsResponse> ListSsoConnectorsAsync(CancellationToken ct) => _api.GetAsync<SsoConnectorsResponse>("sso/connectors", ct);

    public Task<SsoLoginStartResponse> BeginConsoleSsoAsync(SsoConsoleLoginRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<SsoLoginStartResponse>(HttpMethod.Post, "sso/console", request, ct);

    public Task<JoinResponse> JoinAsync(JoinRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<JoinResponse>(HttpMethod.Post, "join", request, ct);

    public Task<SignupInfoResponse> GetSignupAsync(string token, CancellationToken ct) =>
        _api.GetAsync<SignupInfoResponse>("signup/" + Uri.EscapeDataString(token), ct);

    public Task<CompleteSignupResponse> CompleteSignupAsync(string token, CompleteSignupRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<CompleteSignupResponse>(HttpMethod.Post, "signup/" + Uri.EscapeDataString(token), request, ct);

    public void Dispose() => _api.Dispose();
}
