namespace Ferry.Auth.Users;

/// <summary>bcrypt hashing. Unknown users are checked against a fixed dummy hash so a login takes the same time either way.</summary>
internal sealed class PasswordHasher
{
    private readonly int _workFactor;
    private readonly Lazy<string> _dummyHash;
    private long _verifications;

    public PasswordHasher(int workFactor)
    {
        _workFactor = workFactor;
        _dummyHash = new Lazy<string>(() => BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), workFactor));
    }

    /// <summary>bcrypt verifications run so far, dummy ones included: what logins cost, counted rather than timed.</summary>
    public long Verifications => Interlocked.Read(ref _verifications);

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, _workFactor);

    /// <summary>Constant-time verification (BCrypt.Net compares hashes in constant time). A null hash checks the dummy and fails.</summary>
    public bool Verify(string password, string? hash)
    {
        Interlocked.Increment(ref _verifications);
        if (hash is null)
        {
            BCrypt.Net.BCrypt.Verify(password, _dummyHash.Value);
            return false;
        }

        return BCrypt.Net.BCrypt.Verify(password, hash);
    }
}
