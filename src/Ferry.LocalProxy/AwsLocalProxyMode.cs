namespace Ferry.LocalProxy;

/// <summary>How AWS clients reach the local proxy (docs/aws-access.md §1.3).</summary>
public enum AwsLocalProxyMode
{
    /// <summary>
    /// The default of <c>tsh aws</c> and <c>tsh proxy aws</c>: a plain-HTTP forward proxy that accepts only
    /// CONNECT; clients find it through <c>HTTPS_PROXY</c> and keep their real AWS endpoints.
    /// </summary>
    HttpsProxy,

    /// <summary><c>-e/--endpoint-url</c>: a TLS listener that clients use as their endpoint URL.</summary>
    EndpointUrl,
}
