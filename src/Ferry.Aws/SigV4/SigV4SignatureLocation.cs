namespace Ferry.Aws.SigV4;

/// <summary>
/// Where a request carries its SigV4 signature. AWS accepts either, never both at once.
/// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html#add-signature-to-request (both options),
/// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html (the query form)
/// </summary>
public enum SigV4SignatureLocation
{
    /// <summary>The <c>Authorization</c> header, dated by the <c>X-Amz-Date</c> header.</summary>
    Header,

    /// <summary>
    /// The query string (a presigned URL): <c>X-Amz-Algorithm</c>, <c>X-Amz-Credential</c>, <c>X-Amz-Date</c>,
    /// <c>X-Amz-Expires</c>, <c>X-Amz-SignedHeaders</c>, <c>X-Amz-Signature</c> and optionally <c>X-Amz-Security-Token</c>.
    /// </summary>
    Query,
}
