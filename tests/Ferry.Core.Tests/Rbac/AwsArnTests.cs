using Ferry.Core.Rbac;

namespace Ferry.Core.Tests.Rbac;

public sealed class AwsArnTests
{
    [Theory]
    [InlineData("arn:aws:iam::123456789000:role/ExampleTeleportDynamoDBRole", "aws", "123456789000", "ExampleTeleportDynamoDBRole", "ExampleTeleportDynamoDBRole")]
    [InlineData("arn:aws-us-gov:iam::123456789012:role/Gov", "aws-us-gov", "123456789012", "Gov", "Gov")]
    [InlineData("arn:aws-cn:iam::123456789012:role/China", "aws-cn", "123456789012", "China", "China")]
    [InlineData("arn:aws:iam::123456789012:role/team/dev/Reader", "aws", "123456789012", "team/dev/Reader", "Reader")]
    [InlineData("arn:aws:iam::123456789012:role/a+b=c,d.e@f_g-h", "aws", "123456789012", "a+b=c,d.e@f_g-h", "a+b=c,d.e@f_g-h")]
    public void TryParseRole_Valid_ReturnsParts(string arn, string partition, string account, string roleName, string display)
    {
        Assert.True(AwsArn.TryParseRole(arn, out var role));
        Assert.Equal(partition, role.Partition);
        Assert.Equal(account, role.AccountId);
        Assert.Equal(roleName, role.RoleName);
        Assert.Equal(display, role.DisplayName);
        Assert.Equal(arn, role.Arn);
        Assert.Null(AwsArn.Validate(arn));
    }

    [Theory]
    [InlineData("arn:aws-foo:iam::123456789012:role/X", "partition")]
    [InlineData("arn:azure:iam::123456789012:role/X", "partition")]
    [InlineData("arn:aws:iam::12345678901:role/X", "12 digits")]
    [InlineData("arn:aws:iam::1234567890123:role/X", "12 digits")]
    [InlineData("arn:aws:iam::12345678901a:role/X", "12 digits")]
    [InlineData("arn:aws:iam::123456789012:user/X", "not a role")]
    [InlineData("arn:aws:s3::123456789012:role/X", "not an IAM ARN")]
    [InlineData("arn:aws:iam:us-east-1:123456789012:role/X", "region")]
    [InlineData("arn:aws:iam::123456789012:role/", "invalid role path")]
    [InlineData("arn:aws:iam::123456789012:role//X", "invalid role path")]
    [InlineData("arn:aws:iam::123456789012:role/bad name", "invalid role path")]
    [InlineData("ExampleRole", "not an IAM role ARN")]
    [InlineData("", "not an IAM role ARN")]
    public void TryParseRole_Invalid_ExplainsWhy(string arn, string expected)
    {
        Assert.False(AwsArn.TryParseRole(arn, out var role, out var error));
        Assert.Null(role);
        Assert.Contains(expected, error);
        Assert.Contains("arn:aws:iam::<12-digit account id>:role/<name>", error);
    }

    [Fact]
    public void TryParseRole_NameOver64_Invalid()
    {
        Assert.False(AwsArn.TryParseRole("arn:aws:iam::123456789012:role/" + new string('a', 65), out _));
        Assert.True(AwsArn.TryParseRole("arn:aws:iam::123456789012:role/" + new string('a', 64), out _));
    }
}
