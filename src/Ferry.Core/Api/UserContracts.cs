using System.Text.Json;

namespace Ferry.Core.Api;

/// <summary>POST /v1/users: the user resource (as JSON) and, for scripts, an initial password.</summary>
public sealed record CreateUserRequest
{
    public required JsonElement User { get; init; }
    public string? Password { get; init; }
}

public sealed record CreateUserResponse
{
    public required JsonElement User { get; init; }
    public string? SignupUrl { get; init; }
    public DateTimeOffset? SignupExpires { get; init; }
    /// <summary>otpauth:// URI of a TOTP secret generated with --password-stdin when second_factor is otp.</summary>
    public string? OtpUri { get; init; }
}

/// <summary>PATCH /v1/users/{name}: tctl users update.</summary>
public sealed record UpdateUserRequest
{
    public IReadOnlyList<string>? Roles { get; init; }
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? Traits { get; init; }
}

public sealed record ResetUserResponse
{
    public required string SignupUrl { get; init; }
    public required DateTimeOffset Expires { get; init; }
}

/// <summary>What a signup page shows before the password is set.</summary>
public sealed record SignupInfoResponse
{
    public required string User { get; init; }
    public required string Kind { get; init; }
    public required DateTimeOffset Expires { get; init; }
    public bool OtpRequired { get; init; }
    public string? OtpUri { get; init; }
    public string? OtpSecret { get; init; }
}

public sealed record CompleteSignupRequest
{
    public required string Password { get; init; }
    public string? OtpCode { get; init; }
}

public sealed record CompleteSignupResponse
{
    public required string User { get; init; }
}
