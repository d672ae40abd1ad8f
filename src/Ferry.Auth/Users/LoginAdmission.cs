namespace Ferry.Auth.Users;

/// <summary>
/// Whether one login attempt may check a password: admitted holding the pending slot <see cref="PendingId"/>; refused
/// because the name is locked until <see cref="LockedUntil"/>; or refused because every slot stayed held by attempts
/// still being checked (<see cref="IsBusy"/>).
/// </summary>
internal readonly record struct LoginAdmission(string? PendingId, DateTimeOffset LockedUntil, bool IsBusy)
{
    public bool IsAdmitted => PendingId is not null;

    public static LoginAdmission Admitted(string pendingId) => new(pendingId, default, false);

    public static LoginAdmission Locked(DateTimeOffset until) => new(null, until, false);

    public static LoginAdmission Busy() => new(null, default, true);
}
