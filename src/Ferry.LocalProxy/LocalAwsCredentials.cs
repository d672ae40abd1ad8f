using Ferry.Aws;

namespace Ferry.LocalProxy;

/// <summary>The throwaway AWS key pair tsh hands to AWS clients (docs/aws-access.md §1.2, §11 item 1).</summary>
public static class LocalAwsCredentials
{
    public const string AccessKeyIdVariable = "TELEPORT_AWS_ACCESS_KEY_ID";
    public const string SecretAccessKeyVariable = "TELEPORT_AWS_SECRET_ACCESS_KEY";

    /// <summary>
    /// Fresh random UUIDs for the key id and the secret, no session token. Each of
    /// <c>TELEPORT_AWS_ACCESS_KEY_ID</c> / <c>TELEPORT_AWS_SECRET_ACCESS_KEY</c>, when set and not empty, pins its value
    /// so a user can keep stable credentials across runs.
    /// </summary>
    /// <param name="getEnvironmentVariable">tsh's own environment, e.g. <see cref="Environment.GetEnvironmentVariable(string)"/>.</param>
    public static AwsCredentials Create(Func<string, string?> getEnvironmentVariable)
    {
        ArgumentNullException.ThrowIfNull(getEnvironmentVariable);
        var keyId = getEnvironmentVariable(AccessKeyIdVariable);
        var secret = getEnvironmentVariable(SecretAccessKeyVariable);
        return new AwsCredentials(
            string.IsNullOrEmpty(keyId) ? Guid.NewGuid().ToString() : keyId,
            string.IsNullOrEmpty(secret) ? Guid.NewGuid().ToString() : secret);
    }
}
