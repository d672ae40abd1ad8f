namespace Ferry.Auth.Users;

/// <summary>
/// A one-time link that lets a new user set a password (invite) or an existing one set a new one (reset).
/// The token is the key, 32 random bytes; when second_factor is otp the TOTP secret to enrol is fixed at
/// creation so the QR code stays the same across page reloads.
/// </summary>
public sealed record SignupToken
{
    public required string Token { get; init; }
    public required string User { get; init; }
    public required SignupKind Kind { get; init; }
    public required DateTimeOffset Expires { get; init; }
    public string? OtpSecret { get; init; }

    internal static string Key(string token) => "/signup_tokens/" + token;
}

public enum SignupKind
{
    Invite,
    Reset,
}

/// <summary>What a signup page shows before the user sets a password. Never contains the hash or other users' data.</summary>
public sealed record SignupInfo(string User, SignupKind Kind, DateTimeOffset Expires, bool OtpRequired, string? OtpUri, string? OtpSecret);
