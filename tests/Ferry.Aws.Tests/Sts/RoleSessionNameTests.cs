using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Ferry.Aws.Sts;

namespace Ferry.Aws.Tests.Sts;

public sealed partial class RoleSessionNameTests
{
    [Theory]
    [InlineData("alice")]
    [InlineData("alice@example.com")]
    [InlineData("a_b+c=d,e.f@g-h")]
    [InlineData("a-b")]
    [InlineData("build-0123456789ABCDEF")] // upper-case hex is not the suffix FromUser writes
    [InlineData("ab")]
    public void FromUser_NameAwsAccepts_Unchanged(string user)
    {
        Assert.Equal(user, RoleSessionName.FromUser(user));
    }

    [Theory]
    [InlineData("alice smith", "alice-smith")]
    [InlineData("domain\\alice", "domain-alice")]
    [InlineData("ops/alice:admin", "ops-alice-admin")]
    [InlineData("jörg", "j-rg")]
    [InlineData("a", "a")] // too short for AWS (2 characters at least)
    public void FromUser_NameAwsRefuses_ReplacedAndSuffixedWithItsHash(string user, string readable)
    {
        Assert.Equal($"{readable}-{Sha1Prefix(user)}", RoleSessionName.FromUser(user));
    }

    [Fact]
    public void FromUser_NameThatLooksHashed_IsHashedToo()
    {
        // Otherwise a user could be named exactly what "a b" maps to and share its credentials and CloudTrail identity.
        var lookalike = RoleSessionName.FromUser("a b");

        Assert.NotEqual(lookalike, RoleSessionName.FromUser(lookalike));
        Assert.Equal($"{lookalike}-{Sha1Prefix(lookalike)}", RoleSessionName.FromUser(lookalike));
    }

    [Fact]
    public void FromUser_NamesThatOnceCollided_AreDistinct()
    {
        string[] users =
        [
            "a b", "a-b", "a/b", "a:b", "a\\b", "a\tb", "aéb", "a😀b", "a--b", "a  b",
            "alice smith", "alice-smith", "alice_smith",
            RoleSessionName.FromUser("a b"), RoleSessionName.FromUser("a/b"),
            new string('x', 70), new string('x', 71), new string('x', 47) + "-" + Sha1Prefix(new string('x', 70)),
        ];

        var names = users.Select(RoleSessionName.FromUser).ToList();

        Assert.Equal(users.Length, names.Distinct(StringComparer.Ordinal).Count());
        Assert.All(names, n => Assert.Matches(AwsRoleSessionName(), n));
    }

    [Fact]
    public void FromUser_Exactly64_Unchanged()
    {
        var user = new string('a', 64);

        Assert.Equal(user, RoleSessionName.FromUser(user));
    }

    [Fact]
    public void FromUser_Over64_First47DashSha1Prefix()
    {
        // Teleport's MaybeHashRoleSessionName: 47 characters, '-', 16 hex characters of SHA-1 of the full name.
        var user = "very-long-user-name-that-exceeds-the-sixty-four-character-limit@example.com";

        var name = RoleSessionName.FromUser(user);

        Assert.Equal(64, name.Length);
        Assert.Equal(user[..47] + "-" + Sha1Prefix(user), name);
    }

    [Fact]
    public void FromUser_LongNameWithReplacements_StaysWithin64()
    {
        var user = new string(' ', 100);

        var name = RoleSessionName.FromUser(user);

        Assert.Equal(64, name.Length);
        Assert.Equal(new string('-', 48) + Sha1Prefix(user), name);
    }

    [Fact]
    public void FromUser_LongNamesSharingPrefix_Distinct()
    {
        var prefix = new string('x', 60);

        Assert.NotEqual(RoleSessionName.FromUser(prefix + "-one"), RoleSessionName.FromUser(prefix + "-two"));
    }

    private static string Sha1Prefix(string user) => Convert.ToHexStringLower(SHA1.HashData(Encoding.UTF8.GetBytes(user)))[..16];

    // AWS's rule for RoleSessionName (API_AssumeRole): 2 to 64 characters of [\w+=,.@-].
    [GeneratedRegex(@"^[A-Za-z0-9_+=,.@-]{2,64}$")]
    private static partial Regex AwsRoleSessionName();
}
