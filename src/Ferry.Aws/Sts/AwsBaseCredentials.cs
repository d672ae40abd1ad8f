using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Ferry.Core.Errors;

namespace Ferry.Aws.Sts;

/// <summary>
/// The agent's own AWS identity, resolved once through the SDK default chain (the resolved provider refreshes
/// itself), and whether it is temporary, which decides the console session rules of docs/aws-access.md §3.4.
/// </summary>
internal sealed class AwsBaseCredentials
{
    internal const string NoCredentialsMessage =
        "the app service found no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN), "
        + "a profile in ~/.aws/credentials or ~/.aws/config (AWS_PROFILE), web identity (AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN), "
        + "or run it with an ECS task role or an EC2 instance profile";

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly AWSCredentials? _configured;
    private AWSCredentials? _resolved;

    public AwsBaseCredentials(AWSCredentials? configured)
    {
        _configured = configured;
    }

    public async ValueTask<AWSCredentials> GetAsync(IClientConfig config, CancellationToken ct)
    {
        if (_resolved is { } resolved)
        {
            return resolved;
        }

        await _gate.WaitAsync(ct);
        try
        {
            if (_resolved is null)
            {
                var credentials = _configured ?? await ResolveDefaultChainAsync(config, ct);
                // Fail here, with the chain's explanation, rather than inside the first AssumeRole.
                await GetImmutableAsync(credentials);
                _resolved = credentials;
            }

            return _resolved;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Assume-role, web-identity, SSO and other federated providers, and anything with a session token, are
    /// temporary; EC2 instance-profile credentials count as long-lived (docs/aws-access.md §3.4 step 2).
    /// </summary>
    public static bool IsTemporary(AWSCredentials provider, ImmutableCredentials credentials)
    {
        if (provider is InstanceProfileAWSCredentials)
        {
            return false;
        }

        return provider is AssumeRoleAWSCredentials or AssumeRoleWithWebIdentityCredentials or SSOAWSCredentials
                or FederatedAWSCredentials or LoginAWSCredentials
            || !string.IsNullOrEmpty(credentials.Token);
    }

    public static async Task<ImmutableCredentials> GetImmutableAsync(AWSCredentials credentials)
    {
        try
        {
            return await credentials.GetCredentialsAsync();
        }
        catch (AmazonClientException e)
        {
            throw new FerryException(ErrorKind.Unavailable, $"{NoCredentialsMessage} ({FirstLine(e.Message)})", e);
        }
    }

    private static async Task<AWSCredentials> ResolveDefaultChainAsync(IClientConfig config, CancellationToken ct)
    {
        try
        {
            using var resolver = new DefaultAWSCredentialsIdentityResolver();
            return await resolver.ResolveIdentityAsync(config, ct);
        }
        catch (AmazonClientException e)
        {
            throw new FerryException(ErrorKind.Unavailable, NoCredentialsMessage, e);
        }
    }

    private static string FirstLine(string message)
    {
        var end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
