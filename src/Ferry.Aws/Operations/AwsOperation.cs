namespace Ferry.Aws.Operations;

/// <summary>What an AWS request does, as far as it shows without reading its body: the operation and what it touches.</summary>
public sealed record AwsOperation
{
    /// <summary>The API operation (<c>GetItem</c>, <c>PutObject</c>, <c>AssumeRole</c>, <c>Invoke</c>); null when unknown.</summary>
    public string? Name { get; init; }

    /// <summary>S3: the bucket (from the host or the path).</summary>
    public string? Bucket { get; init; }

    /// <summary>S3: the object key, still URL-encoded as sent.</summary>
    public string? Key { get; init; }

    /// <summary>Lambda: the function name or ARN.</summary>
    public string? Function { get; init; }
}
