using System.Text.Json;

namespace Ferry.Core.Api;

/// <summary>One app as a user sees it (GET /v1/apps): the app resource and the IAM roles this user may assume there.</summary>
public sealed record AppInfo
{
    public required JsonElement App { get; init; }
    public bool AwsConsole { get; init; }
    public IReadOnlyList<AwsRoleInfo> AwsRoles { get; init; } = [];
    /// <summary>How many agents currently announce this app.</summary>
    public int Servers { get; init; }
}

/// <summary>An IAM role a user may pick: display = role name, name = path + name, as the web UI shows them.</summary>
public sealed record AwsRoleInfo(string Name, string Display, string Arn, string AccountId);

/// <summary>POST /v1/app_sessions: tsh apps login / the web UI's Launch.</summary>
public sealed record CreateAppSessionRequest
{
    public required string AppName { get; init; }
    public string? AwsRoleArn { get; init; }
    public required string PublicKey { get; init; }
    /// <summary>Set by the proxy for a browser launch: the web session it starts from (ended with it).</summary>
    public string? WebSessionId { get; init; }
}

public sealed record CreateAppSessionResponse
{
    public required string SessionId { get; init; }
    public required string CertPem { get; init; }
    public required string AppName { get; init; }
    public required string PublicAddr { get; init; }
    public required string AppUri { get; init; }
    public string? AwsRoleArn { get; init; }
    public required DateTimeOffset Expires { get; init; }
    /// <summary>Browser launches only: the one-time token that the app's host exchanges for its cookie.</summary>
    public string? ExchangeToken { get; init; }
}

/// <summary>A live app session (what the proxy checks an app certificate against).</summary>
public sealed record AppSessionInfo
{
    public required string SessionId { get; init; }
    public required string User { get; init; }
    public required string AppName { get; init; }
    public string? AwsRoleArn { get; init; }
    public required DateTimeOffset Expires { get; init; }
    /// <summary>Browser sessions: the web session they belong to.</summary>
    public string? WebSessionId { get; init; }
    /// <summary>Browser sessions: the app certificate the proxy forwards for each request.</summary>
    public string? CertPem { get; init; }
    /// <summary>Browser sessions: SHA-256 of the one-time launch token, cleared once exchanged.</summary>
    public string? ExchangeHash { get; init; }
    public DateTimeOffset? ExchangeExpires { get; init; }
    /// <summary>Browser sessions: SHA-256 of the app cookie's secret.</summary>
    public string? CookieHash { get; init; }
}

/// <summary>One change from GET /v1/watch (newline-delimited JSON).</summary>
public sealed record WatchEvent
{
    /// <summary>init, put or delete.</summary>
    public required string Type { get; init; }
    public string? Key { get; init; }
    /// <summary>The stored JSON of a put.</summary>
    public JsonElement? Value { get; init; }
}
