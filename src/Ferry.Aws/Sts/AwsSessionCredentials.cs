namespace Ferry.Aws.Sts;

/// <summary>
/// Temporary credentials from sts:AssumeRole and the role session they belong to.
/// <see cref="ToString"/> never prints the secret or the token.
/// </summary>
public sealed class AwsSessionCredentials
{
    public AwsSessionCredentials(string accessKeyId, string secretAccessKey, string sessionToken, DateTimeOffset expiration, string? assumedRoleArn)
    {
        Credentials = new AwsCredentials(accessKeyId, secretAccessKey, sessionToken);
        Expiration = expiration;
        AssumedRoleArn = assumedRoleArn;
    }

    public string AccessKeyId => Credentials.AccessKeyId;

    public string SecretAccessKey => Credentials.SecretAccessKey;

    public string SessionToken => Credentials.SessionToken!;

    public DateTimeOffset Expiration { get; }

    /// <summary>The assumed-role ARN, e.g. <c>arn:aws:sts::123456789012:assumed-role/Role/alice</c>.</summary>
    public string? AssumedRoleArn { get; }

    /// <summary>The same credentials in the form <see cref="SigV4.SigV4Resigner"/> takes.</summary>
    public AwsCredentials Credentials { get; }

    public override string ToString() =>
        $"AwsSessionCredentials {{ AccessKeyId = {AccessKeyId}, AssumedRoleArn = {AssumedRoleArn}, Expiration = {Expiration:O} }}";
}
