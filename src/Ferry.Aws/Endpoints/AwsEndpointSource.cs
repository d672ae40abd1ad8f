namespace Ferry.Aws.Endpoints;

/// <summary>What decided an upstream endpoint.</summary>
public enum AwsEndpointSource
{
    /// <summary>The X-Forwarded-Host header that tsh set to the AWS host the client addressed (HTTPS_PROXY mode).</summary>
    ForwardedHost,

    /// <summary>The service and region of the credential scope (endpoint-URL mode, docs/aws-access.md §12.1).</summary>
    CredentialScope,

    /// <summary>AWS_ENDPOINT_URL_&lt;SERVICE&gt; or AWS_ENDPOINT_URL (docs/aws-access.md §12.2).</summary>
    EnvironmentOverride,
}
