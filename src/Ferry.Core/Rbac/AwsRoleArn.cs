namespace Ferry.Core.Rbac;

/// <summary>
/// A parsed IAM role ARN <c>arn:&lt;partition&gt;:iam::&lt;account&gt;:role/&lt;path/&gt;&lt;name&gt;</c>.
/// <see cref="RoleName"/> keeps the path ("team/dev/Reader"); <see cref="DisplayName"/> is its last element ("Reader"),
/// the name people type for <c>tsh apps login --aws-role</c>.
/// </summary>
public sealed record AwsRoleArn(string Arn, string Partition, string AccountId, string RoleName)
{
    public string DisplayName => RoleName[(RoleName.LastIndexOf('/') + 1)..];

    public override string ToString() => Arn;
}
