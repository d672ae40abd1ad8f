using System.Net;
using Amazon.Runtime;
using Amazon.SecurityToken;
using Ferry.Aws.Sts;
using Ferry.Core.Errors;

namespace Ferry.Aws.Tests.Sts;

public sealed class StsErrorMapperTests
{
    private const string Role = "arn:aws:iam::123456789012:role/ExampleTeleportDynamoDBRole";

    private static AmazonSecurityTokenServiceException Aws(string code, string message, HttpStatusCode status = HttpStatusCode.Forbidden) =>
        new(message, null, ErrorType.Sender, code, "req-1", status);

    public static TheoryData<Exception, string?, string?, ErrorKind, string> Cases => new()
    {
        {
            Aws("AccessDenied", "User: arn:aws:iam::123456789012:user/agent is not authorized to perform: sts:AssumeRole on resource: " + Role), null, null,
            ErrorKind.AccessDenied,
            "the app service's AWS identity arn:aws:iam::123456789012:user/agent is not allowed to assume " + Role
                + ": add sts:AssumeRole on it to the agent's IAM policy and trust the agent in the role's trust policy"
        },
        {
            Aws("AccessDenied", "Access denied"), null, null, ErrorKind.AccessDenied,
            "the app service's AWS identity is not allowed to assume " + Role + ": add sts:AssumeRole on it"
        },
        {
            Aws("AccessDenied", "User: arn:aws:sts::123456789012:assumed-role/agent/i-0abc is not authorized to perform: sts:SetSourceIdentity on resource: " + Role),
            "alice", null, ErrorKind.AccessDenied,
            "sts:SetSourceIdentity must be allowed in the role's trust policy and in the agent's IAM policy"
        },
        {
            Aws("AccessDenied", "Access denied"), "alice", null, ErrorKind.AccessDenied,
            "sts:SetSourceIdentity must be allowed in the role's trust policy and in the agent's IAM policy"
        },
        {
            Aws("AccessDenied", "User: x is not authorized to perform: sts:AssumeRole"), null, "ext-1", ErrorKind.AccessDenied,
            "(with the app's external ID in its sts:ExternalId condition)"
        },
        { Aws("InvalidClientTokenId", "The security token included in the request is invalid."), null, null, ErrorKind.Unavailable, "STS rejected the app service's own AWS credentials (InvalidClientTokenId" },
        { Aws("ExpiredToken", "The security token included in the request is expired"), null, null, ErrorKind.Unavailable, "STS rejected the app service's own AWS credentials (ExpiredToken" },
        { Aws("RegionDisabledException", "STS is not activated in this region"), null, null, ErrorKind.Unavailable, "activate the region" },
        { Aws("ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.", HttpStatusCode.BadRequest), null, null, ErrorKind.BadParameter, "DurationSeconds exceeds the MaxSessionDuration" },
        { Aws("Throttling", "Rate exceeded", HttpStatusCode.BadRequest), null, null, ErrorKind.Unavailable, "(Throttling, HTTP 400)" },
        { new HttpRequestException("Connection refused (127.0.0.1:1)"), null, null, ErrorKind.Unavailable, "cannot reach STS at https://sts.us-east-1.amazonaws.com/ to assume" },
        { new AmazonClientException("timeout"), null, null, ErrorKind.Unavailable, "cannot reach STS" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Map_AwsError_SpecificKindAndMessage(Exception error, string? sourceIdentity, string? externalId, ErrorKind kind, string message)
    {
        var mapped = StsErrorMapper.Map(error, Role, sourceIdentity, externalId, "https://sts.us-east-1.amazonaws.com/");

        Assert.Equal(kind, mapped.Kind);
        Assert.Contains(message, mapped.Message, StringComparison.Ordinal);
        Assert.Same(error, mapped.InnerException);
    }
}
