using System.Text.Json.Serialization;
using Ferry.Core.Locks;

namespace Ferry.Core.Api;

/// <summary>
/// Source-generated metadata for the API contracts clients send and read (tsh is a native executable without
/// reflection). A contract tsh uses must be listed here (its tests fail on one that is not). Audit events are not:
/// see <see cref="Audit.AuditEventJson"/>.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ApiErrorBody))]
[JsonSerializable(typeof(PingResponse))]
[JsonSerializable(typeof(CaResponse))]
[JsonSerializable(typeof(StatusResponse))]
[JsonSerializable(typeof(LoginRequest))]
[JsonSerializable(typeof(LoginResponse))]
[JsonSerializable(typeof(AppInfo))]
[JsonSerializable(typeof(List<AppInfo>))]
[JsonSerializable(typeof(CreateAppSessionRequest))]
[JsonSerializable(typeof(CreateAppSessionResponse))]
[JsonSerializable(typeof(AppSessionInfo))]
[JsonSerializable(typeof(List<AppSessionInfo>))]
[JsonSerializable(typeof(ExchangeAppSessionRequest))]
[JsonSerializable(typeof(ExchangeAppSessionResponse))]
[JsonSerializable(typeof(WatchEvent))]
[JsonSerializable(typeof(SsoConnectorsResponse))]
[JsonSerializable(typeof(SsoConsoleLoginRequest))]
[JsonSerializable(typeof(SsoWebLoginRequest))]
[JsonSerializable(typeof(SsoLoginStartResponse))]
[JsonSerializable(typeof(SsoCallbackRequest))]
[JsonSerializable(typeof(SsoCallbackResponse))]
[JsonSerializable(typeof(SsoConsoleResult))]
[JsonSerializable(typeof(CreateTokenRequest))]
[JsonSerializable(typeof(JoinRequest))]
[JsonSerializable(typeof(JoinResponse))]
[JsonSerializable(typeof(RenewHostRequest))]
[JsonSerializable(typeof(RenewHostResponse))]
[JsonSerializable(typeof(ProxyHeartbeat))]
[JsonSerializable(typeof(List<ProxyHeartbeat>))]
[JsonSerializable(typeof(CreateUserRequest))]
[JsonSerializable(typeof(CreateUserResponse))]
[JsonSerializable(typeof(UpdateUserRequest))]
[JsonSerializable(typeof(ResetUserResponse))]
[JsonSerializable(typeof(SignupInfoResponse))]
[JsonSerializable(typeof(CompleteSignupRequest))]
[JsonSerializable(typeof(CompleteSignupResponse))]
[JsonSerializable(typeof(CreateWebSessionRequest))]
[JsonSerializable(typeof(CreateWebSessionResponse))]
[JsonSerializable(typeof(WebSessionRecord))]
[JsonSerializable(typeof(List<WebSessionRecord>))]
[JsonSerializable(typeof(List<UserRevocation>))]
public sealed partial class ApiJsonContext : JsonSerializerContext;
