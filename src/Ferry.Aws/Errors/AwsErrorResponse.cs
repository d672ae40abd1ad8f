namespace Ferry.Aws.Errors;

/// <summary>An error response shaped for an AWS client: write the status, the headers and the body as they are.</summary>
public sealed class AwsErrorResponse
{
    internal AwsErrorResponse(int statusCode, string contentType, byte[] body, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        StatusCode = statusCode;
        ContentType = contentType;
        Body = body;
        Headers = headers;
    }

    public int StatusCode { get; }

    public string ContentType { get; }

    public byte[] Body { get; }

    /// <summary>X-Teleport-Api-Error with the message, x-amzn-RequestId, and x-amzn-ErrorType for JSON protocols.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; }
}
