using System.Text.RegularExpressions;
using Amazon.Runtime;
using Ferry.Core.Errors;

namespace Ferry.Aws.Sts;

/// <summary>
/// Turns an AssumeRole failure into a <see cref="FerryException"/> whose message tells the operator what to
/// change. AWS error codes: https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html#API_AssumeRole_Errors
/// and https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
/// </summary>
internal static partial class StsErrorMapper
{
    public static FerryException Map(Exception error, string roleArn, string? sourceIdentity, string? externalId, string endpoint)
    {
        switch (error)
        {
            case FerryException ferry:
                return ferry;
            case AmazonServiceException aws when aws.ErrorCode is "AccessDenied" or "AccessDeniedException":
                return AccessDenied(aws, roleArn, sourceIdentity, externalId);
            case AmazonServiceException aws when aws.ErrorCode is "InvalidClientTokenId" or "SignatureDoesNotMatch" or "ExpiredToken"
                or "ExpiredTokenException" or "UnrecognizedClientException" or "IncompleteSignature" or "MissingAuthenticationToken":
                return new FerryException(ErrorKind.Unavailable,
                    $"STS rejected the app service's own AWS credentials ({aws.ErrorCode}: {aws.Message}); fix the agent's credential chain "
                    + "(AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or its instance role)", aws);
            case AmazonServiceException aws when aws.ErrorCode == "RegionDisabledException":
                return new FerryException(ErrorKind.Unavailable,
                    $"STS is not activated in the agent's region for this account ({aws.Message}); activate the region in the IAM account settings or set AWS_REGION", aws);
            case AmazonServiceException aws when aws.ErrorCode is "ValidationError" or "MalformedPolicyDocument" or "PackedPolicyTooLarge"
                or "InvalidParameterValue" or "InvalidParameterCombination":
                return new FerryException(ErrorKind.BadParameter, $"STS refused to assume {roleArn} ({aws.ErrorCode}): {aws.Message}", aws);
            case AmazonServiceException aws:
                return new FerryException(ErrorKind.Unavailable, $"STS failed to assume {roleArn} ({aws.ErrorCode}, HTTP {(int)aws.StatusCode}): {aws.Message}", aws);
            case HttpRequestException or TimeoutException or TaskCanceledException or AmazonClientException:
                return new FerryException(ErrorKind.Unavailable, $"cannot reach STS at {endpoint} to assume {roleArn}: {error.Message}", error);
            default:
                return new FerryException(ErrorKind.Internal, $"assuming {roleArn} failed: {error.Message}", error);
        }
    }

    private static FerryException AccessDenied(AmazonServiceException aws, string roleArn, string? sourceIdentity, string? externalId)
    {
        var identity = CallerArn().Match(aws.Message ?? string.Empty) is { Success: true } m ? m.Groups["arn"].Value + " " : string.Empty;
        var mentionsSourceIdentity = aws.Message?.Contains("SetSourceIdentity", StringComparison.OrdinalIgnoreCase) == true;
        var mentionsAssumeRole = aws.Message?.Contains("sts:AssumeRole", StringComparison.OrdinalIgnoreCase) == true;
        if (sourceIdentity is not null && (mentionsSourceIdentity || !mentionsAssumeRole))
        {
            return new FerryException(ErrorKind.AccessDenied,
                $"the app service's AWS identity {identity}is not allowed to assume {roleArn} with a source identity: "
                + "sts:SetSourceIdentity must be allowed in the role's trust policy and in the agent's IAM policy, next to sts:AssumeRole", aws);
        }

        var externalIdHint = externalId is null ? string.Empty : " (with the app's external ID in its sts:ExternalId condition)";
        return new FerryException(ErrorKind.AccessDenied,
            $"the app service's AWS identity {identity}is not allowed to assume {roleArn}: add sts:AssumeRole on it to the agent's IAM policy "
            + $"and trust the agent in the role's trust policy{externalIdHint}", aws);
    }

    // "User: arn:aws:iam::123456789012:user/agent is not authorized to perform: sts:AssumeRole on resource: ..."
    [GeneratedRegex(@"User: (?<arn>arn:[^\s]+) is not authorized", RegexOptions.CultureInvariant)]
    private static partial Regex CallerArn();
}
