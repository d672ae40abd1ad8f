namespace Ferry.Aws.LocalProxy;

/// <summary>Which CONNECT targets tsh's forward proxy sends to its local AWS proxy (docs/aws-access.md §1.3 (a)).</summary>
public static class AwsHostMatcher
{
    /// <summary>
    /// True when the host (optionally host:port) contains <c>.amazonaws.com</c> (which covers <c>.amazonaws.com.cn</c>),
    /// except SSM session channels (<c>ssmmessages.*</c>), which are not signed per request. Everything else goes
    /// through the system proxy or directly.
    /// </summary>
    public static bool ShouldIntercept(string? host)
    {
        if (string.IsNullOrWhiteSpace(host))
        {
            return false;
        }

        var value = host.Trim();
        return value.Contains(".amazonaws.com", StringComparison.OrdinalIgnoreCase)
            && !value.StartsWith("ssmmessages.", StringComparison.OrdinalIgnoreCase);
    }
}
