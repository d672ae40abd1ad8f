namespace Ferry.Aws.Errors;

/// <summary>
/// The wire protocol an AWS client expects errors in (the "protocol" of its service model).
/// https://smithy.io/2.0/aws/protocols/index.html
/// </summary>
public enum AwsProtocol
{
    /// <summary>awsJson1_0 / awsJson1_1 (DynamoDB, KMS, …): <c>{"__type": code, "message": …}</c>.</summary>
    Json,

    /// <summary>awsQuery / ec2Query (STS, IAM, SQS, …): <c>&lt;ErrorResponse&gt;&lt;Error&gt;…</c>.</summary>
    Query,

    /// <summary>restXml (S3, Route 53, CloudFront): <c>&lt;Error&gt;&lt;Code&gt;…</c>.</summary>
    RestXml,

    /// <summary>restJson1 (Lambda, API Gateway, …): JSON body plus the x-amzn-ErrorType header.</summary>
    RestJson,
}
