using Ferry.Aws.Sts;

namespace Ferry.Aws.Tests.Sts;

public sealed class RoleSessionNameTests
{
    [Theory]
    [InlineData("alice", "alice")]
    [InlineData("alice@example.com", "alice@example.com")]
    [InlineData("a_b+c=d,e.f@g-h", "a_b+c=d,e.f@g-h")]
    [InlineData("alice smith", "alice-smith")]
    [InlineData("domain\\alice", "domain-alice")]
    [InlineData("ops/alice:admin", "ops-alice-admin")]
    [InlineData("jörg", "j-rg")]
    public void FromUser_InvalidCharacters_ReplacedWithDash(string user, string expected)
    {
        Assert.Equal(expected, RoleSessionName.FromUser(user));
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
        var sha1 = Convert.ToHexStringLower(System.Security.Cryptography.SHA1.HashData(System.Text.Encoding.UTF8.GetBytes(user)));

        var name = RoleSessionName.FromUser(user);

        Assert.Equal(64, name.Length);
        Assert.Equal(user[..47] + "-" + sha1[..16], name);
    }

    [Fact]
    public void FromUser_LongNamesSharingPrefix_Distinct()
    {
        var prefix = new string('x', 60);

        Assert.NotEqual(RoleSessionName.FromUser(prefix + "-one"), RoleSessionName.FromUser(prefix + "-two"));
    }
}
