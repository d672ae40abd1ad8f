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

/// <summary>
/// One name's failed logins within the window, and the attempts holding a slot while their password is checked
/// (<see cref="LoginAttemptCounter"/>). Items written before pending slots existed have none.
/// </summary>
internal sealed record LoginAttempts(IReadOnlyList<DateTimeOffset> Failures, IReadOnlyList<PendingLogin>? Pending = null);

internal sealed record PendingLogin(string Id, DateTimeOffset Started);

internal sealed record UserLock(DateTimeOffset Until, string Reason);
