namespace Ferry.Aws;

/// <summary>
/// Header names of the AWS access path, kept as the reference spells them (docs/aws-access.md §1.4, §1.8, §1.12):
/// clients never set them; the proxy strips any a client sends.
/// </summary>
public static class AwsProxyHeaders
{
    /// <summary>tsh → agent: the request is signed by role-chaining credentials of this assumed-role ARN.</summary>
    public const string AssumedRole = "X-Teleport-Aws-Assumed-Role";

    /// <summary>tsh → agent: the client's original Authorization on the role-chaining path.</summary>
    public const string AssumedRoleAuthorization = "X-Teleport-Aws-Assumed-Role-Authorization";

    /// <summary>Agent → tsh: an error detail that tsh logs as a warning.</summary>
    public const string ApiError = "X-Teleport-Api-Error";

    /// <summary>Agent → tsh: information that tsh logs (e.g. a lowered AssumeRole DurationSeconds).</summary>
    public const string ApiInfo = "X-Teleport-Api-Info";

    public const string ForwardedHost = "X-Forwarded-Host";
}
