namespace Ferry.Aws;

/// <summary>
/// An AWS access key pair, with the session token of temporary credentials. Used both for the
/// throwaway keys tsh hands to AWS clients and for the real STS credentials the agent signs with.
/// <see cref="ToString"/> never prints the secret or the token, so an instance is safe in a log line.
/// </summary>
public sealed class AwsCredentials
{
    public AwsCredentials(string accessKeyId, string secretAccessKey, string? sessionToken = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(accessKeyId);
        ArgumentException.ThrowIfNullOrEmpty(secretAccessKey);
        AccessKeyId = accessKeyId;
        SecretAccessKey = secretAccessKey;
        SessionToken = string.IsNullOrEmpty(sessionToken) ? null : sessionToken;
    }

    public string AccessKeyId { get; }

    public string SecretAccessKey { get; }

    /// <summary>The session token of temporary credentials; null for long-lived keys.</summary>
    public string? SessionToken { get; }

    public override string ToString() => $"AwsCredentials {{ AccessKeyId = {AccessKeyId}, SessionToken = {(SessionToken is null ? "none" : "set")} }}";
}
