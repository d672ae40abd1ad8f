namespace Ferry.Auth.Users;

/// <summary>bcrypt hashing. Unknown users are checked against a fixed dummy hash so a login takes the same time either way.</summary>
internal sealed class PasswordHasher
{
    private readonly int _workFactor;
    private readonly Lazy<string> _dummyHash;

    public PasswordHasher(int workFactor)
    {
        _workFactor = workFactor;
        _dummyHash = new Lazy<string>(() => BCrypt.Net.BCrypt.HashPassword(Guid.NewGuid().ToString(), workFactor));
    }

    public string Hash(string password) => BCrypt.Net.BCrypt.HashPassword(password, _workFactor);

    /// <summary>Constant-time verification (BCrypt.Net compares hashes in constant time).</summary>
    public bool Verify(string password, string? hash)
    {
        if (hash is null)
        {
            BCrypt.Net.BCrypt.Verify(password, _dummyHash.Value);
            return false;
        }

        return BCrypt.Net.BCrypt.Verify(password, hash);
    }
}
