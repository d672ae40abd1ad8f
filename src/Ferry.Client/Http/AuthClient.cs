using System.Globalization;
using System.Text.Json;
using Ferry.Core.Api;
using Ferry.Core.Audit;
using Ferry.Core.Locks;
using Ferry.Core.Resources;
using Ferry.Core.Resources.Codec;

namespace Ferry.Client.Http;

/// <summary>
/// The typed auth API, reached directly on the auth host (tctl with the local admin identity) or through
/// the proxy's /v1/auth/ passthrough with a user certificate (tctl after tsh login).
/// </summary>
public sealed class AuthClient : IDisposable
{
    private readonly ApiCaller _api;

    public AuthClient(ApiCaller api)
    {
        _api = api;
    }

    public Task<StatusResponse> StatusAsync(CancellationToken ct) => _api.GetAsync<StatusResponse>("status", ct);

    public Task<CaResponse> CasAsync(CancellationToken ct) => _api.GetAsync<CaResponse>("cas", ct);

    public async Task<IReadOnlyList<Role>> ListRolesAsync(CancellationToken ct) => ResourceLists.Deserialize<Role>(await _api.GetBytesAsync("roles", ct));

    public async Task<Role> GetRoleAsync(string name, CancellationToken ct) => ResourceJson.Deserialize<Role>(await _api.GetBytesAsync("roles/" + Escape(name), ct));

    public async Task<Role> CreateRoleAsync(Role role, bool force, CancellationToken ct) =>
        ResourceJson.Deserialize<Role>(await _api.SendBytesAsync(HttpMethod.Post, $"roles?force={Flag(force)}", ResourceJson.SerializeToUtf8Bytes(role), ct));

    public Task DeleteRoleAsync(string name, CancellationToken ct) => _api.SendAsync(HttpMethod.Delete, "roles/" + Escape(name), ct);

    public async Task<IReadOnlyList<User>> ListUsersAsync(CancellationToken ct) => ResourceLists.Deserialize<User>(await _api.GetBytesAsync("users", ct));

    public async Task<User> GetUserAsync(string name, CancellationToken ct) => ResourceJson.Deserialize<User>(await _api.GetBytesAsync("users/" + Escape(name), ct));

    public Task<CreateUserResponse> CreateUserAsync(User user, string? password, CancellationToken ct) =>
        _api.SendJsonAsync<CreateUserResponse>(
            HttpMethod.Post,
            "users",
            new CreateUserRequest { User = JsonDocument.Parse(ResourceJson.SerializeToUtf8Bytes(user)).RootElement.Clone(), Password = password },
            ct);

    public async Task<User> PutUserAsync(User user, bool force, CancellationToken ct) =>
        ResourceJson.Deserialize<User>(await _api.SendBytesAsync(HttpMethod.Put, $"users/{Escape(user.Name)}?force={Flag(force)}", ResourceJson.SerializeToUtf8Bytes(user), ct));

    public async Task<User> UpdateUserAsync(string name, UpdateUserRequest request, CancellationToken ct) =>
        ResourceJson.Deserialize<User>(await _api.SendBytesAsync(HttpMethod.Patch, "users/" + Escape(name), JsonSerializer.SerializeToUtf8Bytes(request, ApiJson.TypeInfo<UpdateUserRequest>()), ct));

    public Task DeleteUserAsync(string name, CancellationToken ct) => _api.SendAsync(HttpMethod.Delete, "users/" + Escape(name), ct);

    public Task<ResetUserResponse> ResetUserAsync(string name, CancellationToken ct) =>
        _api.SendJsonAsync<ResetUserResponse>(HttpMethod.Post, $"users/{Escape(name)}/reset", null, ct);

    /// <summary>Join tokens; their values (names) are redacted unless <paramref name="withSecrets"/>, which needs "read" on tokens.</summary>
    public async Task<IReadOnlyList<ProvisionToken>> ListTokensAsync(CancellationToken ct, bool withSecrets = false) =>
        ResourceLists.Deserialize<ProvisionToken>(await _api.GetBytesAsync(withSecrets ? "tokens?with_secrets=true" : "tokens", ct));

    public async Task<ProvisionToken> CreateTokenAsync(CreateTokenRequest request, CancellationToken ct) =>
        ResourceJson.Deserialize<ProvisionToken>(await _api.SendBytesAsync(HttpMethod.Post, "tokens", JsonSerializer.SerializeToUtf8Bytes(request, ApiJson.TypeInfo<CreateTokenRequest>()), ct));

    public async Task<ProvisionToken> PutTokenAsync(ProvisionToken token, bool force, CancellationToken ct) =>
        ResourceJson.Deserialize<ProvisionToken>(await _api.SendBytesAsync(HttpMethod.Put, $"tokens?force={Flag(force)}", ResourceJson.SerializeToUtf8Bytes(token), ct));

    public Task DeleteTokenAsync(string name, CancellationToken ct) => _api.SendAsync(HttpMethod.Delete, "tokens/" + Escape(name), ct);

    /// <summary>One page of audit events, newest first; pass the answer's NextCursor back to read the next one.</summary>
    public Task<AuditEventsResponse> SearchEventsAsync(AuditEventsFilter filter, int limit, string? cursor, CancellationToken ct)
    {
        var query = new List<string> { "limit=" + limit.ToString(CultureInfo.InvariantCulture) };
        if (filter.Since is { } s)
        {
            query.Add("since=" + Uri.EscapeDataString(s.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)));
        }

        query.AddRange(filter.Types.Select(t => "type=" + Uri.EscapeDataString(t)));
        if (filter.User is { } user)
        {
            query.Add("user=" + Uri.EscapeDataString(user));
        }

        query.AddRange(filter.Services.Select(v => "service=" + Uri.EscapeDataString(v)));
        query.AddRange(filter.Operations.Select(v => "operation=" + Uri.EscapeDataString(v)));

        if (cursor is not null)
        {
            query.Add("cursor=" + Uri.EscapeDataString(cursor));
        }

        return _api.GetAsync<AuditEventsResponse>("events?" + string.Join('&', query), ct);
    }

    /// <summary>Auth answers 204 with no body.</summary>
    public Task EmitEventsAsync(IReadOnlyList<AuditEvent> events, CancellationToken ct) =>
        _api.SendBytesAsync(HttpMethod.Post, "events", JsonSerializer.SerializeToUtf8Bytes(events, AuditEventJson.Batch), ct);

    public async Task<IReadOnlyList<AccessLock>> ListLocksAsync(CancellationToken ct) => ResourceLists.Deserialize<AccessLock>(await _api.GetBytesAsync("locks", ct));

    public async Task<AccessLock> GetLockAsync(string name, CancellationToken ct) => ResourceJson.Deserialize<AccessLock>(await _api.GetBytesAsync("locks/" + Escape(name), ct));

    public async Task<AccessLock> PutLockAsync(AccessLock accessLock, bool force, CancellationToken ct) =>
        ResourceJson.Deserialize<AccessLock>(await _api.SendBytesAsync(HttpMethod.Put, $"locks?force={Flag(force)}", ResourceJson.SerializeToUtf8Bytes(accessLock), ct));

    public Task DeleteLockAsync(string name, CancellationToken ct) => _api.SendAsync(HttpMethod.Delete, "locks/" + Escape(name), ct);

    /// <summary>Cluster components only: the users whose older certificates are revoked.</summary>
    /// <summary>Connectors of one kind (github, oidc, saml); secrets only with <paramref name="withSecrets"/>.</summary>
    public async Task<IReadOnlyList<IAuthConnector>> ListConnectorsAsync(string kind, bool withSecrets, CancellationToken ct) =>
        ResourceLists.Deserialize<IAuthConnector>(await _api.GetBytesAsync($"connectors/{Escape(kind)}?with_secrets={Flag(withSecrets)}", ct));

    public async Task<IAuthConnector> GetConnectorAsync(string kind, string name, bool withSecrets, CancellationToken ct) =>
        ResourceJson.Deserialize<IAuthConnector>(await _api.GetBytesAsync($"connectors/{Escape(kind)}/{Escape(name)}?with_secrets={Flag(withSecrets)}", ct));

    public async Task<IAuthConnector> PutConnectorAsync(IAuthConnector connector, bool force, CancellationToken ct) =>
        ResourceJson.Deserialize<IAuthConnector>(await _api.SendBytesAsync(
            HttpMethod.Put, $"connectors/{Escape(connector.ResourceKind)}?force={Flag(force)}", ResourceJson.SerializeToUtf8Bytes(connector), ct));

    public Task DeleteConnectorAsync(string kind, string name, CancellationToken ct) =>
        _api.SendAsync(HttpMethod.Delete, $"connectors/{Escape(kind)}/{Escape(name)}", ct);

    public Task<List<UserRevocation>> ListRevocationsAsync(CancellationToken ct) => _api.GetAsync<List<UserRevocation>>("revocations", ct);

    public Task<ProxyHeartbeat> ProxyHeartbeatAsync(ProxyHeartbeat heartbeat, CancellationToken ct) =>
        _api.SendJsonAsync<ProxyHeartbeat>(HttpMethod.Put, "proxies", heartbeat, ct);

    public Task RemoveProxyAsync(CancellationToken ct) => _api.SendAsync(HttpMethod.Delete, "proxies", ct);

    public Task<List<ProxyHeartbeat>> ListProxiesAsync(CancellationToken ct) => _api.GetAsync<List<ProxyHeartbeat>>("proxies", ct);

    public Task<RenewHostResponse> RenewHostAsync(RenewHostRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<RenewHostResponse>(HttpMethod.Post, "hosts/renew", request, ct);

    public Task<List<AppInfo>> ListAppsAsync(CancellationToken ct) => _api.GetAsync<List<AppInfo>>("apps", ct);

    public async Task<IReadOnlyList<AppServer>> ListAppServersAsync(CancellationToken ct) => ResourceLists.Deserialize<AppServer>(await _api.GetBytesAsync("app_servers", ct));

    public async Task<AppServer> HeartbeatAsync(AppServer server, CancellationToken ct) =>
        ResourceJson.Deserialize<AppServer>(await _api.SendBytesAsync(HttpMethod.Put, "app_servers", ResourceJson.SerializeToUtf8Bytes(server), ct));

    public Task RemoveAppServerAsync(string appName, CancellationToken ct) => _api.SendAsync(HttpMethod.Delete, "app_servers/" + Escape(appName), ct);

    public Task<CreateAppSessionResponse> CreateAppSessionAsync(CreateAppSessionRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<CreateAppSessionResponse>(HttpMethod.Post, "app_sessions", request, ct);

    public Task<List<AppSessionInfo>> ListAppSessionsAsync(CancellationToken ct) => _api.GetAsync<List<AppSessionInfo>>("app_sessions", ct);

    public Task DeleteAppSessionAsync(string sessionId, CancellationToken ct) => _api.SendAsync(HttpMethod.Delete, "app_sessions/" + Escape(sessionId), ct);

    /// <summary>The storage change feed under the given prefixes; the first event is "init". Ends when the server closes it.</summary>
    public async IAsyncEnumerable<WatchEvent> WatchAsync(IReadOnlyList<string> prefixes, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "watch?" + string.Join('&', prefixes.Select(p => "prefix=" + Escape(p))));
        using var response = await _api.SendStreamingAsync(request, ct);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length > 0 && JsonSerializer.Deserialize(line, ApiJson.TypeInfo<WatchEvent>()) is { } watchEvent)
            {
                yield return watchEvent;
            }
        }
    }

    public Task<CreateWebSessionResponse> CreateWebSessionAsync(CreateWebSessionRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<CreateWebSessionResponse>(HttpMethod.Post, "web_sessions", request, ct);

    public Task<SsoConnectorsResponse> ListSsoConnectorsAsync(CancellationToken ct) => _api.GetAsync<SsoConnectorsResponse>("sso/connectors", ct);

    public Task<SsoLoginStartResponse> BeginWebSsoAsync(SsoWebLoginRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<SsoLoginStartResponse>(HttpMethod.Post, "sso/web", request, ct);

    public Task<SsoCallbackResponse> CompleteSsoAsync(SsoCallbackRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<SsoCallbackResponse>(HttpMethod.Post, "sso/callback", request, ct);

    public Task<WebSessionRecord> GetWebSessionAsync(string id, CancellationToken ct) => _api.GetAsync<WebSessionRecord>("web_sessions/" + Escape(id), ct);

    public Task<List<WebSessionRecord>> ListWebSessionsAsync(CancellationToken ct) => _api.GetAsync<List<WebSessionRecord>>("web_sessions", ct);

    public Task DeleteWebSessionAsync(string id, CancellationToken ct) => _api.SendAsync(HttpMethod.Delete, "web_sessions/" + Escape(id), ct);

    public Task<AppSessionInfo> GetAppSessionAsync(string id, CancellationToken ct) => _api.GetAsync<AppSessionInfo>("app_sessions/" + Escape(id), ct);

    public Task<ExchangeAppSessionResponse> ExchangeAppSessionAsync(ExchangeAppSessionRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<ExchangeAppSessionResponse>(HttpMethod.Post, "app_sessions/exchange", request, ct);

    public Task<SignupInfoResponse> GetSignupAsync(string token, CancellationToken ct) => _api.GetAsync<SignupInfoResponse>("signup/" + Escape(token), ct);

    public Task<CompleteSignupResponse> CompleteSignupAsync(string token, CompleteSignupRequest request, CancellationToken ct) =>
        _api.SendJsonAsync<CompleteSignupResponse>(HttpMethod.Post, "signup/" + Escape(token), request, ct);

    private static string Escape(string value) => Uri.EscapeDataString(value);

    private static string Flag(bool value) => value ? "true" : "false";

    public void Dispose() => _api.Dispose();
}
