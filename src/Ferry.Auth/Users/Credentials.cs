namespace Ferry.Auth.Users;

/// <summary>Storage records for a user's secrets and login state, kept apart from the user resource.</summary>
internal static class CredentialKeys
{
    public static string Prefix(string user) => $"/credentials/{user}/";
    public static string Password(string user) => $"/credentials/{user}/password";
    public static string Otp(string user) => $"/credentials/{user}/otp";
    public static string Attempts(string user) => $"/credentials/{user}/attempts";
    public static string Lock(string user) => $"/credentials/{user}/lock";
}

internal sealed record StoredPassword(string Hash, DateTimeOffset Changed);

internal sealed record StoredOtp(string Secret, long LastUsedStep);

internal sealed record LoginAttempts(IReadOnlyList<DateTimeOffset> Failures);

internal sealed record UserLock(DateTimeOffset Until, string Reason);
