namespace Ferry.LocalProxy.Connect;

/// <summary>Which CONNECT hosts the forward proxy intercepts (docs/aws-access.md §1.3a, handler 1).</summary>
internal static class AwsHosts
{
    /// <summary>
    /// True for hosts that contain <c>.amazonaws.com</c> (so also <c>.amazonaws.com.cn</c>), except the SSM session
    /// channel <c>ssmmessages.*</c>, which is a WebSocket stream and not signed per request.
    /// </summary>
    public static bool IsIntercepted(string host) =>
        host.Contains(".amazonaws.com", StringComparison.OrdinalIgnoreCase)
        && !host.StartsWith("ssmmessages.", StringComparison.OrdinalIgnoreCase);
}
